package io.imcloud.admin;

import io.imcloud.attachments.Attachments;
import io.imcloud.groups.GroupService;
import io.imcloud.push.CallbackReport;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStore;
import io.imcloud.users.AccountControl;
import io.imcloud.users.SquattedNames;
import io.imcloud.users.UserService;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Hands the running plugin's components to the admin console servlets. Openfire creates the
 * servlets of {@code web-custom.xml} itself, through their no-argument constructors, so they cannot
 * be given their dependencies: the plugin {@linkplain #install installs} them here on start and
 * closes the returned {@link Installation} on stop; until then and afterwards the pages answer 503.
 * Servlets and plugin share one class loader (the plugin's), hence one registry per loaded plugin.
 */
public final class AdminConsole {

    private static final AtomicReference<Services> CURRENT = new AtomicReference<>();

    private AdminConsole() {
    }

    /**
     * Makes {@code services} available to the console pages.
     *
     * @return the handle whose {@link Installation#close()} takes them away again
     * @throws IllegalStateException when another installation is still active
     */
    public static Installation install(Services services) {
        if (!CURRENT.compareAndSet(null, Objects.requireNonNull(services))) {
            throw new IllegalStateException("The imcloud admin console is already installed");
        }
        return new Installation(services);
    }

    /** What the console pages work with now; null when the plugin is not started. */
    static Services current() {
        return CURRENT.get();
    }

    /**
     * The components the pages use.
     *
     * @param removal  deletes an app with its data
     * @param accounts who is online, and deactivation and activation (the REST API's path too)
     * @param locale   the language of the pages (Openfire's console language), asked on every request
     * @param squatted Openfire accounts named like app users that no app registered, as found at start
     * @param storage  the attachments each app stores
     * @param messages the number of archived messages of an app
     * @param groups   the apps' chat groups
     * @param callbacks how an app's offline-message callbacks fare
     */
    public record Services(AppStore apps, AppRemoval removal, UserService users, AccountControl accounts, Supplier<Locale> locale,
                           SquattedNames.Report squatted, Function<AppKey, Attachments.FileUsage> storage,
                           ToLongFunction<AppKey> messages, GroupService groups,
                           Function<AppKey, CallbackReport> callbacks) {
        public Services {
            Objects.requireNonNull(apps);
            Objects.requireNonNull(removal);
            Objects.requireNonNull(users);
            Objects.requireNonNull(accounts);
            Objects.requireNonNull(locale);
            Objects.requireNonNull(squatted);
            Objects.requireNonNull(storage);
            Objects.requireNonNull(messages);
            Objects.requireNonNull(groups);
            Objects.requireNonNull(callbacks);
        }
    }

    /** One installation: closing it (once or more) takes its components away from the pages. */
    public static final class Installation implements AutoCloseable {

        private final Services services;

        private Installation(Services services) {
            this.services = services;
        }

        /** Removes the components; calling it again does nothing. */
        @Override
        public void close() {
            CURRENT.compareAndSet(services, null);
        }
    }
}
