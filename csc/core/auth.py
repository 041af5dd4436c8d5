def axes_username(request, credentials) -> str:
    """The e-mail as the login matches it: 'Dir@X.fr' and 'dir@x.fr' share one lockout counter."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return (username or "").strip().lower()
