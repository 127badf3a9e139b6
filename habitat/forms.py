from django import forms
from django.utils.translation import gettext_lazy as _

from habitat.models import User

DISPLAY_NAME_HELP = _(
    "How the other people on the platform will know you: your own name, a first name, or your "
    "group's. Your e-mail address is never shown to them."
)


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks beyond the address and the password (its adapter
    saves it, with the language of the page the person signed up on)."""

    display_name = forms.CharField(
        label=_("Your name on the platform"),
        max_length=80,
        help_text=DISPLAY_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={"required": _("Choose the name that the other people on the platform will see.")},
    )

    def signup(self, request, user):
        """Called by allauth once the account is saved; the adapter has done the work."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]
        labels = {"display_name": _("Your name on the platform"), "language": _("Language of your e-mails")}
        help_texts = {"display_name": DISPLAY_NAME_HELP}
        error_messages = {
            "display_name": {"required": _("Choose the name that the other people on the platform will see.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Typed again, so that nobody else can delete your account from an open session."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password
