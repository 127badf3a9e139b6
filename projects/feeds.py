"""The Atom feed of newly published projects, with the list's filters: a feed of "community
land trusts in Brazil" is the list's query string on the feed's address."""

import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from projects.filters import ProjectFilter
from projects.models import Project
from projects.opendata import licence
from projects.representation import FIELDS

FEED_LENGTH = 50

# What XML 1.0 cannot hold (control characters but tab, line feed and carriage return): a
# search typed with one, or a text pasted with one, must not break the feed.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text):
    return NOT_IN_XML.sub("", str(text))


def with_query(path, query):
    return f"{path}?{query}" if query else path


class NewProjectsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        filterset = ProjectFilter(request.GET, queryset=Project.objects.public(), request=request)
        if not filterset.is_valid():
            # Django's feed view has no form to show the error next to: the list page does.
            raise Http404("Some filters are not valid.")
        return filterset

    def title(self, filterset):
        chosen = filterset.chosen_labels()
        if chosen:
            return xml_text(_("New projects: %(filters)s") % {"filters": ", ".join(chosen)})
        return _("New projects in the Social Production of Habitat directory")

    def subtitle(self, filterset):
        return _("Community-led housing projects, newest first, as they are published.")

    def link(self, filterset):
        return with_query(reverse("projects:list"), filterset.filter_query())

    def feed_url(self, filterset):
        return with_query(reverse("projects:feed"), filterset.filter_query())

    def feed_copyright(self, filterset):
        return licence()["url"]

    def items(self, filterset):
        return filterset.qs.only(*FIELDS, "updated_at").newest_first()[:FEED_LENGTH]

    def item_title(self, project):
        return xml_text(project.name)

    def item_description(self, project):
        return xml_text(project.summary)

    def item_pubdate(self, project):
        return project.published_at

    def item_updateddate(self, project):
        return project.updated_at

    def item_categories(self, project):
        return [xml_text(label) for label in (project.get_stage_display(), *project.get_housing_models_display())]
