from django import template

from subscriptions.follows import NEWS_DAYS, follows_of, is_following, news_for

register = template.Library()

KINDS = {"Project": "project", "Organisation": "organisation", "Hub": "hub"}


@register.inclusion_tag("subscriptions/includes/follow_form.html", takes_context=True)
def follow_form(context, target):
    """The button to follow ``target`` (a project, an organisation or a HUB), or to stop.

    Visitors see "Follow", which leads them to sign in: the page they are served from the
    cache is the same for all of them.
    """
    request = context["request"]
    return {
        "target": target,
        "kind": KINDS[type(target).__name__],
        "following": is_following(request.user, target),
        "signed_in": request.user.is_authenticated,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("subscriptions/includes/my_follows.html", takes_context=True)
def my_follows(context):
    """What the signed-in user follows, and its news, for their page (/my/)."""
    request = context["request"]
    follows = follows_of(request.user)
    return {
        "follows": follows,
        "news": news_for(follows),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "news_days": NEWS_DAYS,
    }
