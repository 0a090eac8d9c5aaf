package io.imcloud.rest;

import java.util.List;

/** The route groups of this package: tokens, users and the operator's management API. */
public final class CoreRoutes {

    private CoreRoutes() {
    }

    /** Token, user and management routes; {@code admins} checks the management API's Basic credentials. */
    public static List<RouteGroup> all(AdminAuthenticator admins) {
        return List.of(new TokenRoutes(), new UserRoutes(), new ManagementRoutes(admins));
    }
}
