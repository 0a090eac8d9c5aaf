package io.imcloud.rest;

import io.imcloud.tenancy.AppRemoval;

import java.util.List;

/** The route groups of this package: tokens, users and the operator's management API. */
public final class CoreRoutes {

    private CoreRoutes() {
    }

    /**
     * Token, user and management routes; {@code admins} checks the management API's Basic credentials,
     * {@code removal} deletes an app with its data.
     */
    public static List<RouteGroup> all(AdminAuthenticator admins, AppRemoval removal) {
        return List.of(new TokenRoutes(), new UserRoutes(), new ManagementRoutes(admins, removal));
    }
}
