"""Every uploaded photo and document, whichever app stores it: checked and cleaned once,
stored under a random name, and served only to the people who may see what it belongs to.

* ``PhotoField`` and ``PdfField`` check and clean a new file exactly once, when the model is
  validated (a form, the admin) or, for code that saves without validating (a loader), when
  it is saved. Every limit lives in ``habitat.images`` and ``habitat.documents``; the refusal
  names the file and says why.
* ``Photo`` and ``Document`` are the shared shape of a photo (alternative text, caption,
  credit, order) and of a PDF (title, order); each app adds what it belongs to.
* Each concrete model of a stored file says who may download it (``visible_to``), and the
  media view asks nothing else: a file is served when a row that the visitor may see names it.
"""

import secrets
from pathlib import PurePath

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from habitat import documents, images


def random_name(folder, filename):
    """Uploads get random names: nothing the uploader called the file reaches the public."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"{folder}/{secrets.token_urlsafe(16)}{suffix}"


def upload_to(instance, filename):
    return random_name(instance.upload_folder, filename)


class CleanedFileField(models.FileField):
    """A file field whose new files are checked and rewritten by ``clean_file`` before they are
    stored; ``accept`` and ``help_text`` tell the uploader what is expected."""

    clean_file = None  # a function of the uploaded file, returning a ContentFile or raising
    accept = ""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        self.cleaned_upload(value)

    def cleaned_upload(self, file):
        """The cleaned copy of a new upload, made once and kept on the file for ``pre_save``."""
        if not file or file._committed:
            return None
        if getattr(file, "_cleaned", None) is None:
            try:
                file._cleaned = type(self).clean_file(file.file)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(file)s” was refused: %(reason)s"),
                    params={"file": PurePath(file.name).name, "reason": " ".join(error.messages)},
                    code="refused",
                ) from None
        return file._cleaned

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        cleaned = self.cleaned_upload(file)
        if cleaned is not None:
            file.save(cleaned.name, cleaned, save=False)
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        widget = forms.ClearableFileInput(attrs={"accept": self.accept})
        return super().formfield(**{"widget": widget, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("upload_to", None)
        return name, path, args, kwargs

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", upload_to)
        super().__init__(*args, **kwargs)


class PhotoField(CleanedFileField):
    """A photo: JPEG, PNG or WebP, re-encoded from its pixels (no EXIF, no GPS), stored with
    its smaller copies (``images.renditions``); its size goes to ``width_field`` and
    ``height_field`` of the model, as Django's ImageField does."""

    clean_file = staticmethod(images.reencode)
    accept = ",".join(images.ACCEPTED_TYPES)

    def __init__(self, *args, width_field=None, height_field=None, **kwargs):
        self.width_field, self.height_field = width_field, height_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for option in ("width_field", "height_field"):
            if getattr(self, option):
                kwargs[option] = getattr(self, option)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        cleaned = self.cleaned_upload(getattr(model_instance, self.attname))
        name = super().pre_save(model_instance, add)
        if cleaned is not None:
            # The model's size fields come after this one, so their values are read after it.
            self.store_renditions(model_instance, cleaned)
        return name

    def store_renditions(self, model_instance, image):
        """Store the copies of ``image``, the photo ``model_instance`` holds (from the upload
        just cleaned, or read back from the storage), and note its size on the model."""
        file = getattr(model_instance, self.attname)
        width, height, copies = images.renditions(image)
        for copy_width, copy in copies.items():
            copy_name = images.rendition_name(file.name, copy_width)
            if not file.storage.exists(copy_name):
                file.storage.save(copy_name, copy)
        if self.width_field:
            setattr(model_instance, self.width_field, width)
        if self.height_field:
            setattr(model_instance, self.height_field, height)


class PdfField(CleanedFileField):
    """A PDF document, checked by its content and rewritten without its metadata."""

    clean_file = staticmethod(documents.clean_pdf)
    accept = "application/pdf"


class StoredFile(models.Model):
    """A model whose rows name uploaded files, served to whoever may see what they belong to."""

    class Meta:
        abstract = True

    # The folder of MEDIA_ROOT its files go to, and whether they are downloaded rather than
    # shown in the browser (documents: a crafted file must never act as a page of the site).
    upload_folder = ""
    download = False
    # The foreign key to what the files belong to (a project, a meeting); empty when the row
    # is that thing itself (an organisation's logo).
    owner = ""

    @classmethod
    def file_fields(cls):
        return [field for field in cls._meta.concrete_fields if isinstance(field, models.FileField)]

    @classmethod
    def visible_to(cls, user):
        """The rows ``user`` may see, and so download the files of: those whose owner the
        owner's own queryset (``visible_to``) shows them."""
        if not cls.owner:
            return cls._default_manager.visible_to(user)
        owner_model = cls._meta.get_field(cls.owner).related_model
        return cls._default_manager.filter(**{f"{cls.owner}__in": owner_model.objects.visible_to(user)})


def stored_file_models():
    return [model for model in apps.get_models() if issubclass(model, StoredFile)]


def find_served_file(path, user):
    """The model that stores ``path`` in a row ``user`` may see, or None: the one rule of who
    may download an upload, whatever app stored it. Each model keeps its files in a folder of
    its own, so one indexed query answers."""
    if "\x00" in path:
        # No stored name holds a NUL byte (random_name), and PostgreSQL text cannot: no file.
        return None
    # A photo's smaller copy is served to whoever may see the photo.
    photo = images.original_name(path)
    for model in stored_file_models():
        if model.upload_folder and path.startswith(f"{model.upload_folder}/"):
            for field in model.file_fields():
                name = photo if isinstance(field, PhotoField) and photo else path
                if model.visible_to(user).filter(**{field.name: name}).exists():
                    return model
    return None


class Photo(StoredFile):
    """A photo with what people who cannot see it need, in the order its owner chose."""

    # Indexed: the media view finds a file's row by its name (find_served_file).
    image = PhotoField(
        _("image"), help_text=images.HELP_TEXT, db_index=True, width_field="width", height_field="height"
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The original's size in pixels, noted when it is stored: empty for a photo stored before
    # its copies were made (``manage.py make_photo_copies`` makes them).
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)

    class Meta:
        abstract = True
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.alt_text

    def copy_widths(self):
        """The widths of the smaller copies stored beside the original."""
        return images.rendition_widths(self.width)

    def copy_url(self, width):
        return self.image.storage.url(images.rendition_name(self.image.name, width))

    def srcset(self):
        """The ``srcset`` of an ``<img>``: every copy and the original, with their widths; empty
        when the copies were not made (a photo stored before they were)."""
        if not self.width:
            return ""
        sources = [f"{self.copy_url(width)} {width}w" for width in self.copy_widths()]
        return ", ".join([*sources, f"{self.image.url} {self.width}w"])

    def thumbnail_url(self):
        """The address of the smallest copy, for a thumbnail (``thumbnail_name``)."""
        return self.image.storage.url(thumbnail_name(self.image.name, self.width))


def thumbnail_name(name, width):
    """The stored name of the thumbnail of the photo ``name``, ``width`` pixels wide: its
    smallest copy, or the photo itself when it has none (too small, or stored before copies)."""
    widths = images.rendition_widths(width)
    return images.rendition_name(name, widths[0]) if widths else name


class Document(StoredFile):
    """A PDF document with its title, in the order its owner chose; always downloaded."""

    file = PdfField(_("file"), help_text=documents.HELP_TEXT, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    download = True

    class Meta:
        abstract = True
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title
