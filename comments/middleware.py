def private_pending_comment(get_response):
    """The page that shows a poster their own pending comment is theirs alone.

    It is the one response after a POST that carries ?pending=<signed token> (or ?posted= for
    a comment published at once), with the poster's private link in it; no shared cache may
    keep it, whichever view rendered it.
    """

    def middleware(request):
        response = get_response(request)
        if "pending" in request.GET or "posted" in request.GET:
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware
