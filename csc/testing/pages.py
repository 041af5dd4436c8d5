import html


def page_text(response) -> str:
    """The page as a person reads it: HTML entities decoded (l&#x27;équipe -> l'équipe)."""
    return html.unescape(response.content.decode())


def visible_text(response) -> str:
    """The words on the page without the markup, whitespace collapsed: what a sentence reads like."""
    import re

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
