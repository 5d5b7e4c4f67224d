def private_pending_comment(get_response):
    """The page that shows a poster their own pending comment, or their refused form, is
    theirs alone.

    It is the one response after a POST that carries ?pending=<signed token> (or ?posted= for
    a comment published at once), with the poster's private link in it; no shared cache may
    keep it, whichever view rendered it.
    """

    def middleware(request):
        response = get_response(request)
        if any(name in request.GET for name in ("pending", "posted", "refused")):
            response["Cache-Control"] = "private, no-store"
        # The page showing a refused comment (?refused=) answers with the refusal's status.
        status = getattr(request, "comment_refusal_status", None)
        if status is not None and response.status_code == 200:
            response.status_code = status
            retry_after = getattr(request, "comment_refusal_retry_after", None)
            if retry_after:
                response["Retry-After"] = str(retry_after)
        return response

    return middleware
