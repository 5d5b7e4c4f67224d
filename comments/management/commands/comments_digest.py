from django.core.management.base import BaseCommand

from comments import tasks
from comments.models import DiscussionSettings


class Command(BaseCommand):
    help = (
        "Send the moderators the digest of comments held since the last one, when the "
        "discussion settings ask for a digest. Run it from cron, for example every hour."
    )

    def handle(self, *args, **options):
        discussion = DiscussionSettings.load()
        if not (discussion.notify_moderators and discussion.moderator_digest):
            self.stdout.write("The discussion settings ask for no digest: nothing sent.")
            return
        tasks.send_moderator_digest.enqueue()
        self.stdout.write("The moderators' digest is on its way.")
