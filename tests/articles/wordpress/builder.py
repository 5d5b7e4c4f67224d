"""Writes WordPress export files (WXR) for tests: any number of posts and comments.

Everything written is made up here. Text goes into CDATA sections the way WordPress's
exporter does it, splitting a "]]>" across two sections.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

BASE_URL = "https://old-site.example"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class WXRComment:
    id: int
    content: str = "A reader's thoughts."
    author: str = "A Reader"
    author_email: str = "reader@mail.example"
    author_url: str = ""
    author_ip: str = "192.0.2.10"
    date: str = "2024-03-02 10:00:00"
    date_gmt: str = "2024-03-02 09:00:00"
    approved: str = "1"
    type: str = "comment"
    parent: int = 0
    user_id: int = 0
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class WXRItem:
    id: int
    title: str = "A post"
    content: str = ""
    excerpt: str = ""
    slug: str = ""
    status: str = "publish"
    post_type: str = "post"
    date: str = "2024-03-01 09:30:00"
    date_gmt: str = "2024-03-01 08:30:00"
    creator: str = "editor1"
    categories: list[tuple[str, str, str]] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[WXRComment] = field(default_factory=list)
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    comment_status: str = "open"


@dataclass
class WXRAuthor:
    id: int
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


def _namespace(version: str) -> str:
    return f"http://wordpress.org/export/{version}/"


def write_wxr(
    stream,
    *,
    items: Iterable[WXRItem] = (),
    authors: Iterable[WXRAuthor] = (),
    categories: Iterable[tuple[str, str, str]] = (),
    tags: Iterable[tuple[str, str]] = (),
    version: str = "1.2",
    title: str = "The Harbour Gazette",
    base_url: str = BASE_URL,
) -> None:
    """Write a WXR document to a text stream, item by item."""
    wp = _namespace(version)
    w = stream.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n')
    w('<rss version="2.0"\n')
    w(f'\txmlns:excerpt="{wp}excerpt/"\n')
    w('\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n')
    w('\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n')
    w('\txmlns:dc="http://purl.org/dc/elements/1.1/"\n')
    w(f'\txmlns:wp="{wp}"\n>\n<channel>\n')
    w(f"\t<title>{cdata(title)}</title>\n\t<link>{base_url}</link>\n")
    w("\t<description>Made-up news for tests</description>\n")
    w("\t<pubDate>Fri, 01 Mar 2024 12:00:00 +0000</pubDate>\n\t<language>en-GB</language>\n")
    if version != "1.0":
        w(f"\t<wp:wxr_version>{version}</wp:wxr_version>\n")
    w(f"\t<wp:base_site_url>{base_url}</wp:base_site_url>\n")
    w(f"\t<wp:base_blog_url>{base_url}</wp:base_blog_url>\n")
    for author in authors:
        w("\t<wp:author>")
        w(f"<wp:author_id>{author.id}</wp:author_id>")
        w(f"<wp:author_login>{cdata(author.login)}</wp:author_login>")
        w(f"<wp:author_email>{cdata(author.email)}</wp:author_email>")
        w(f"<wp:author_display_name>{cdata(author.display_name)}</wp:author_display_name>")
        w(f"<wp:author_first_name>{cdata(author.first_name)}</wp:author_first_name>")
        w(f"<wp:author_last_name>{cdata(author.last_name)}</wp:author_last_name>")
        w("</wp:author>\n")
    for term_id, (nicename, name, parent) in enumerate(categories, start=1):
        w(f"\t<wp:category><wp:term_id>{term_id}</wp:term_id>")
        w(f"<wp:category_nicename>{cdata(nicename)}</wp:category_nicename>")
        w(f"<wp:category_parent>{cdata(parent)}</wp:category_parent>")
        w(f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n")
    for term_id, (slug, name) in enumerate(tags, start=100):
        w(f"\t<wp:tag><wp:term_id>{term_id}</wp:term_id>")
        w(f"<wp:tag_slug>{cdata(slug)}</wp:tag_slug>")
        w(f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n")
    for item in items:
        _write_item(w, item, base_url)
    w("</channel>\n</rss>\n")


def _write_item(w, item: WXRItem, base_url: str) -> None:
    slug = item.slug or f"post-{item.id}"
    w("\t<item>\n")
    w(f"\t\t<title>{cdata(item.title)}</title>\n")
    w(f"\t\t<link>{base_url}/2024/03/01/{slug}/</link>\n")
    w("\t\t<pubDate>Fri, 01 Mar 2024 08:30:00 +0000</pubDate>\n")
    w(f"\t\t<dc:creator>{cdata(item.creator)}</dc:creator>\n")
    w(f'\t\t<guid isPermaLink="false">{base_url}/?p={item.id}</guid>\n')
    w("\t\t<description></description>\n")
    w(f"\t\t<content:encoded>{cdata(item.content)}</content:encoded>\n")
    w(f"\t\t<excerpt:encoded>{cdata(item.excerpt)}</excerpt:encoded>\n")
    w(f"\t\t<wp:post_id>{item.id}</wp:post_id>\n")
    w(f"\t\t<wp:post_date>{cdata(item.date)}</wp:post_date>\n")
    w(f"\t\t<wp:post_date_gmt>{cdata(item.date_gmt)}</wp:post_date_gmt>\n")
    w(f"\t\t<wp:post_modified>{cdata(item.date)}</wp:post_modified>\n")
    w(f"\t\t<wp:post_modified_gmt>{cdata(item.date_gmt)}</wp:post_modified_gmt>\n")
    w(f"\t\t<wp:comment_status>{cdata(item.comment_status)}</wp:comment_status>\n")
    w(f"\t\t<wp:ping_status>{cdata('open')}</wp:ping_status>\n")
    w(f"\t\t<wp:post_name>{cdata(slug)}</wp:post_name>\n")
    w(f"\t\t<wp:status>{cdata(item.status)}</wp:status>\n")
    w(f"\t\t<wp:post_parent>{item.parent}</wp:post_parent>\n")
    w(f"\t\t<wp:menu_order>{item.menu_order}</wp:menu_order>\n")
    w(f"\t\t<wp:post_type>{cdata(item.post_type)}</wp:post_type>\n")
    w(f"\t\t<wp:post_password>{cdata(item.password)}</wp:post_password>\n")
    w(f"\t\t<wp:is_sticky>{int(item.sticky)}</wp:is_sticky>\n")
    if item.attachment_url:
        w(f"\t\t<wp:attachment_url>{cdata(item.attachment_url)}</wp:attachment_url>\n")
    for domain, nicename, name in item.categories:
        w(f"\t\t<category domain={quoteattr(domain)} nicename={quoteattr(nicename)}>")
        w(f"{cdata(name)}</category>\n")
    for key, value in item.meta:
        w(f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>")
        w(f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n")
    for comment in item.comments:
        _write_comment(w, comment)
    w("\t</item>\n")


def _write_comment(w, comment: WXRComment) -> None:
    w("\t\t<wp:comment>\n")
    w(f"\t\t\t<wp:comment_id>{comment.id}</wp:comment_id>\n")
    w(f"\t\t\t<wp:comment_author>{cdata(comment.author)}</wp:comment_author>\n")
    w(f"\t\t\t<wp:comment_author_email>{cdata(comment.author_email)}</wp:comment_author_email>\n")
    w(f"\t\t\t<wp:comment_author_url>{comment.author_url}</wp:comment_author_url>\n")
    w(f"\t\t\t<wp:comment_author_IP>{cdata(comment.author_ip)}</wp:comment_author_IP>\n")
    w(f"\t\t\t<wp:comment_date>{cdata(comment.date)}</wp:comment_date>\n")
    w(f"\t\t\t<wp:comment_date_gmt>{cdata(comment.date_gmt)}</wp:comment_date_gmt>\n")
    w(f"\t\t\t<wp:comment_content>{cdata(comment.content)}</wp:comment_content>\n")
    w(f"\t\t\t<wp:comment_approved>{cdata(comment.approved)}</wp:comment_approved>\n")
    w(f"\t\t\t<wp:comment_type>{cdata(comment.type)}</wp:comment_type>\n")
    w(f"\t\t\t<wp:comment_parent>{comment.parent}</wp:comment_parent>\n")
    w(f"\t\t\t<wp:comment_user_id>{comment.user_id}</wp:comment_user_id>\n")
    for key, value in comment.meta:
        w(f"\t\t\t<wp:commentmeta><wp:meta_key>{cdata(key)}</wp:meta_key>")
        w(f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:commentmeta>\n")
    w("\t\t</wp:comment>\n")


def wxr_bytes(**kwargs) -> bytes:
    stream = io.StringIO()
    write_wxr(stream, **kwargs)
    return stream.getvalue().encode()
