"""The comments app's settings, with its defaults.

Read through django.conf.settings each time a value is used, so override_settings and the
test `settings` fixture keep working; a project sets only what differs. Values an operator
may change through the environment are read from it in newsroom/settings.py.
"""

from django.conf import settings

DEFAULTS = {
    # Limits of the comment form's fields.
    "COMMENTS_NAME_MAX_LENGTH": 100,
    "COMMENTS_EMAIL_MAX_LENGTH": 254,
    "COMMENTS_URL_MAX_LENGTH": 200,
    "COMMENTS_MIN_LENGTH": 2,
    "COMMENTS_MAX_LENGTH": 5000,
    # Forms older than this (seconds) are refused: the page is reloaded for a fresh one.
    "COMMENTS_FORM_MAX_AGE": 24 * 60 * 60,
    # How long the link that shows a poster their own pending comment works.
    "COMMENTS_PENDING_TOKEN_AGE": 15 * 60,
    # Dotted paths of callables (comment, request) -> a Comment.Status value or None, asked
    # in order after the built-in rules, for sites that use an external spam service.
    "COMMENTS_SPAM_CHECKERS": [],
    # The private link that lets a commenter see, fix, withdraw their comment (30 days).
    "COMMENTS_MANAGE_LINK_AGE": 30 * 24 * 60 * 60,
    # A commenter may change their text this long after posting (or while it is pending).
    "COMMENTS_EDIT_WINDOW": 15 * 60,
    # The one-click approve/spam/remove links in moderators' emails.
    "COMMENTS_MODERATION_LINK_AGE": 7 * 24 * 60 * 60,
    # The unsubscribe link in a reply notification.
    "COMMENTS_UNSUBSCRIBE_LINK_AGE": 90 * 24 * 60 * 60,
    # Email the commenter when a moderator approves their comment or turns it down.
    "COMMENTS_OUTCOME_EMAILS": False,
    # New comments wait, unconfirmed, until their author follows a link sent to their address.
    "COMMENTS_CONFIRM_EMAIL": False,
    # Where commenters write to get a copy of their data or have it erased (the privacy
    # page); None means DEFAULT_FROM_EMAIL.
    "COMMENTS_PRIVACY_CONTACT": None,
    # Erasing a commenter's data removes the text of their published comments too.
    "COMMENTS_ERASE_TEXT": False,
    # Retention, applied by `manage.py comments_privacy purge` (run it every hour): days
    # after which IP addresses and browsers are cleared, spam/removed/withdrawn comments
    # deleted, and comments never confirmed deleted.
    "COMMENTS_KEEP_IP_DAYS": 30,
    "COMMENTS_KEEP_REJECTED_DAYS": 30,
    "COMMENTS_KEEP_UNCONFIRMED_DAYS": 7,
    # Rows changed per transaction by the purge: short locks, steady progress.
    "COMMENTS_PURGE_BATCH": 5000,
    # A failing email is tried this many times in all, waiting 1, 2, 4... minutes in
    # between when the task backend can defer (the database backend); at once otherwise.
    "COMMENTS_MAIL_ATTEMPTS": 4,
    "COMMENTS_MAIL_RETRY_SECONDS": 60,
}


class CommentSettings:
    """`conf.MAX_LENGTH` is settings.COMMENTS_MAX_LENGTH, or the default above."""

    def __getattr__(self, name):
        key = f"COMMENTS_{name}"
        if key not in DEFAULTS:
            raise AttributeError(f"The comments app has no setting {key}.")
        value = getattr(settings, key, DEFAULTS[key])
        if key == "COMMENTS_PRIVACY_CONTACT" and value is None:
            return settings.DEFAULT_FROM_EMAIL
        return value


conf = CommentSettings()
