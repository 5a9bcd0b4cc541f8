import HarkStats
import Testing

struct EndpointPatternTests {
    @Test(arguments: [
        ("/", "/"),
        ("", "/"),
        ("/users/1234/orders?page=2", "/users/{id}/orders"),
        ("/users/1234/orders#top", "/users/{id}/orders"),
        ("/items/5", "/items/{id}"),
        ("/api/v2/items", "/api/v2/items"),
        ("/u/123e4567-E89B-12d3-a456-426614174000/avatar", "/u/{id}/avatar"),
        ("/blob/9c8a57958486102e94e591384dc69dd7e8d01169", "/blob/{id}"),
        ("/obj/507f1f77bcf86cd799439011/", "/obj/{id}/"),
        ("/img/9c8a5795.png", "/img/{id}.png"),
        ("/css/960.css", "/css/960.css"),
        ("/deadbeefcafe", "/deadbeefcafe"),
        ("/a1b2c3", "/a1b2c3"),
        ("/archive/2008/11/", "/archive/{id}/{id}/"),
        ("http://example.com/users/42?x=1", "/users/{id}"),
        ("http://example.com", "/"),
        ("*", "*"),
        ("example.com:443", "example.com:443"),
        ("/search?q=/1234", "/search"),
    ])
    func collapsesIdentifiers(target: String, pattern: String) {
        #expect(EndpointPattern.pattern(for: target) == pattern)
    }
}
