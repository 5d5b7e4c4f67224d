from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from articles.wordpress import register_batch_handler
        from newsroom import pagecache, warmup

        from . import signals, wordpress
        from .forms import blank_form_html

        signals.connect()
        register_batch_handler(wordpress.import_comments)
        # A thread's pages and the reply form are the same for everyone; the poster's view
        # right after posting (with their private link), or of their refused form, is theirs
        # alone.
        pagecache.register_parameters(
            cached=("cpage", "replyto"), private=("pending", "posted", "refused")
        )
        # The comment form's markup, the same on every article page, rendered once per
        # process before its first reader (with crispy's and the widgets' templates).
        warmup.register(blank_form_html)
