package io.imcloud.rest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Route matching: parameters, specificity, 404 and 405. */
class RouterTest {

    private static final RouteHandler A = ex -> { };
    private static final RouteHandler B = ex -> { };
    private static final RouteHandler C = ex -> { };

    private final Router router = new Router()
            .get("/{org}/{app}/users/{username}", A)
            .delete("/{org}/{app}/users/{username}", A)
            .get("/management/apps/{org}/{app}", B)
            .get("/{org}/{app}/users", C);

    @Test
    void extractsParametersAndPrefersLiterals() {
        Router.Match m = router.resolve("GET", "/acme/chat/users/bob");
        assertEquals(A, m.handler());
        assertEquals(Map.of("org", "acme", "app", "chat", "username", "bob"), m.params());
        Router.Match mgmt = router.resolve("GET", "/management/apps/users/x");
        assertEquals(B, mgmt.handler(), "literal first segment wins over {org}");
        assertEquals(Map.of("org", "users", "app", "x"), mgmt.params());
        assertEquals(C, router.resolve("GET", "/acme/chat/users").handler());
    }

    @Test
    void unknownPathIs404AndOtherMethodIs405() {
        ApiException notFound = assertThrows(ApiException.class, () -> router.resolve("GET", "/acme/chat/nothing"));
        assertEquals(404, notFound.status());
        assertEquals("service_resource_not_found", notFound.error());
        assertEquals(404, assertThrows(ApiException.class, () -> router.resolve("GET", "/acme/chat/users/")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> router.resolve("GET", "//chat/users")).status());
        ApiException wrongMethod = assertThrows(ApiException.class, () -> router.resolve("PUT", "/acme/chat/users/bob"));
        assertEquals(405, wrongMethod.status());
        assertEquals("DELETE, GET", wrongMethod.headers().get("Allow"));
    }

    @Test
    void refusesTheSameRouteTwice() {
        assertThrows(IllegalStateException.class, () -> router.get("/{o}/{a}/users", A));
    }
}
