"""Behind nginx, the visitor's address is the X-Real-IP that nginx wrote, and only from nginx."""

from csc.core.proxy import RealClientAddress


def seen_address(trusted, **environ):
    seen = {}

    def app(environ, start_response):
        seen["address"] = environ["REMOTE_ADDR"]
        return []

    RealClientAddress(app, trusted)(environ, lambda *args: None)
    return seen["address"]


def test_the_address_nginx_gives_is_the_visitors():
    assert seen_address(["127.0.0.1"], REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5") == "203.0.113.5"
    assert (
        seen_address(["10.0.0.0/24"], REMOTE_ADDR="10.0.0.7", HTTP_X_REAL_IP="2001:db8::1") == "2001:db8::1"
    )


def test_a_header_from_anyone_else_or_not_an_address_changes_nothing():
    assert (
        seen_address(["127.0.0.1"], REMOTE_ADDR="198.51.100.9", HTTP_X_REAL_IP="127.0.0.1") == "198.51.100.9"
    )
    assert (
        seen_address(["127.0.0.1"], REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="1.2.3.4, 5.6.7.8") == "127.0.0.1"
    )
    assert seen_address(["127.0.0.1"], REMOTE_ADDR="127.0.0.1") == "127.0.0.1"
