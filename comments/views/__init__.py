"""Comment pages, by audience: readers posting (public), commenters' own signed links
(selfservice) and moderators' signed links (moderator)."""
