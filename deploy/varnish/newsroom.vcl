# Newsroom behind Varnish 7.1: a shared page cache with instant purge by surrogate key.
#
# Needs Debian's varnish and varnish-modules (for the xkey vmod). Replace the @NAME@ values:
#   @APP_HOST@  gunicorn's address, e.g. 127.0.0.1 (use a director for several app servers)
#   @APP_PORT@  gunicorn's port, e.g. 8000
#   @SITE_HOST@ a host name in ALLOWED_HOSTS, for the health probe, e.g. news.example.com
#   @PURGERS@   the app servers' addresses allowed to purge, as ACL lines: "10.0.0.5"; ...
#               Name only the app servers: behind a TLS terminator on this machine every
#               visitor would come from 127.0.0.1, so never list that address then (or have
#               the terminator speak the PROXY protocol, and client.ip is the visitor again).
# then run, for example: varnishd -a :80 -f newsroom.vcl -s malloc,1g
# and give the app servers FRONT_CACHE_URLS=http://<this machine>:80 (docs/front-cache.md).
#
# What the application tells Varnish:
# - how long to keep a page: "Cache-Control: public, max-age=…, s-maxage=…,
#   stale-while-revalidate=…, stale-if-error=…" (Varnish reads s-maxage first); anything
#   without "public" (errors, redirects, forms, the admin) is never stored;
# - what a page shows: the "xkey" header, a space-separated list of surrogate keys such as
#   "site article:12 section:4 tag:7 author:3 front thread:12";
# - that something changed: "PURGE /" with an "xkey-purge" header naming the keys, sent by
#   every app server after the change commits (newsroom/pagecache, FRONT_CACHES setting).

vcl 4.1;

import std;
import xkey;

backend app {
    .host = "@APP_HOST@";
    .port = "@APP_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        # /healthz checks the database and the cache; robots.txt would say less.
        .request =
            "GET /healthz HTTP/1.1"
            "Host: @SITE_HOST@"
            "Connection: close"
            "User-Agent: Varnish health probe";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: a restart must not answer 503 until the first probes.
        .initial = 3;
    }
}

acl purgers {
    @PURGERS@
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in an xkey-purge header"));
        }
        # A hard purge: the pages are gone, not kept to be served stale.
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }

    # Forms, the admin and anything else that writes go straight to the application.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Logged-in staff (the session cookie, SESSION_COOKIE_NAME) always see fresh pages, and
    # theirs are never stored; so does whoever has messages waiting (the admin's notices).
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=" || req.http.Authorization) {
        return (pass);
    }
    # The poster's own view right after a comment carries a private link.
    if (req.url ~ "[?&](pending|posted)=") {
        return (pass);
    }
    # Reader pages are the same for everyone: other cookies (consent, the CSRF cookie,
    # remembered details) are read by the browser's own scripts or on POST, never by the
    # server for a GET; dropping them lets every visitor share one copy.
    unset req.http.Cookie;
    # While the application answers, an expired page is served for at most the application's
    # stale-while-revalidate (PAGE_STALE_WHILE_REVALIDATE) as it is fetched again in the
    # background; when it does not, for as long as the object's grace (stale-if-error).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 60s;
    }
    return (hash);
}

sub vcl_backend_response {
    # An error while refreshing a page in the background keeps the stale copy.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # Only what the application says anyone may keep is stored: errors, redirects, the
    # admin and the poster's own view have no "public" (Varnish's own default would keep a
    # 404 or a 301 for two minutes, and a page unpublished then published again would stay
    # missing). A page that sets a cookie, or varies on everything, belongs to one visitor.
    # Uncacheable answers are remembered as such ("hit-for-miss") for a moment only, so a
    # page that becomes cacheable again is stored at its next request.
    if (beresp.http.Cache-Control !~ "(^|,)\s*public\s*(,|$)"
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Set-Cookie
        || beresp.http.Vary == "*") {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    # Pages are stored compressed and sent so to every browser that accepts it.
    if (beresp.http.Content-Type ~ "^(text/|application/(xml|rss\+xml|atom\+xml|json))") {
        set beresp.do_gzip = true;
    }
    # Serve a stale page for a day when the application is down (its stale-if-error), and
    # keep expired pages a while longer so they are revalidated with If-None-Match.
    if (beresp.grace < 24h) {
        set beresp.grace = 24h;
    }
    set beresp.keep = 1d;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache-Status = "HIT";
    } else {
        set resp.http.X-Cache-Status = "MISS";
    }
    # The keys are for the caches only, and X-Accel-Expires is nginx's.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.X-Accel-Expires;
}

sub vcl_backend_error {
    # Nothing stale to serve: the site's own 503 page would need the application, so say
    # it in a plain page.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "10";
    synthetic({"<!doctype html><html lang="en"><title>Back shortly</title><h1>Back shortly</h1><p>The site is busy or being updated. Please try again in a few seconds.</p></html>"});
    return (deliver);
}
