package io.imcloud.users;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;

/** The database side of {@link AppMembership}: a user is registered when it has its {@code ofImUser} row. */
public final class RegisteredUsers implements AppMembership.Registry {

    private final UserStore store;

    /** Registrations read from {@code db}. */
    public RegisteredUsers(ConnectionProvider db) {
        this.store = new UserStore(db);
    }

    @Override
    public boolean isRegistered(AppUser user) {
        return store.exists(user);
    }
}
