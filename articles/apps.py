from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from newsroom import pagecache

        from . import pictures, signals
        from .pages import next_public_change

        signals.connect()
        pictures.register()
        pagecache.register_schedule(pictures.next_public_change_syncing(next_public_change))
        # Listings page with ?page=, search asks with ?q=.
        pagecache.register_parameters(cached=("page", "q"))
