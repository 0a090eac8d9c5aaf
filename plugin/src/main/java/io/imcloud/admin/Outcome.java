package io.imcloud.admin;

import io.imcloud.tenancy.AppCredentials;
import io.imcloud.tenancy.AppKey;

/**
 * The outcome of a console POST: a success message with the secrets it made (shown this once), or an Easemob-style
 * error; with what the operator typed into the create form, to fill it again.
 */
record Outcome(int status, String message, String error, Secrets secrets, String org, String app) {

    /**
     * Secrets an action made, shown in its answer only: never in a URL, a redirect or the log. A null field was not
     * made by the action.
     */
    record Secrets(AppKey app, String clientId, String clientSecret, String callbackSecret) {

        /** The credentials of a created app, or a rotated client secret (with the callback secret a creation made). */
        static Secrets of(AppCredentials credentials) {
            return new Secrets(credentials.app().key(), credentials.app().clientId(), credentials.clientSecret(),
                    credentials.callbackSecret());
        }

        /** A new callback secret of {@code app}. */
        static Secrets callback(AppKey app, String callbackSecret) {
            return new Secrets(app, null, null, callbackSecret);
        }

        @Override
        public String toString() {
            return "Secrets[" + app + ", hidden]";
        }
    }

    static Outcome none() {
        return new Outcome(200, null, null, null, null, null);
    }

    /** A success, with the secrets it made or null. */
    static Outcome success(String message, Secrets secrets) {
        return new Outcome(200, message, null, secrets, null, null);
    }

    /** A failure: {@code error} is the Easemob error code, {@code message} the description. */
    static Outcome failure(int status, String error, String message) {
        return new Outcome(status, message, error, null, null, null);
    }

    /** The same outcome, with the create form filled with what the operator typed. */
    Outcome typed(String typedOrg, String typedApp) {
        return new Outcome(status, message, error, secrets, typedOrg, typedApp);
    }
}
