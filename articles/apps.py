from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from newsroom import pagecache

        from . import signals
        from .models import next_public_change

        signals.connect()
        pagecache.register_schedule(next_public_change)
        # Listings page with ?page=, search asks with ?q=.
        pagecache.register_parameters(cached=("page", "q"))
