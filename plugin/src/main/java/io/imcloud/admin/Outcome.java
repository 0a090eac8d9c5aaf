package io.imcloud.admin;

import io.imcloud.tenancy.AppCredentials;

/**
 * The outcome of a console POST: a success message with optional new credentials (shown this once), or an
 * Easemob-style error; with what the operator typed into the create form, to fill it again.
 */
record Outcome(int status, String message, String error, AppCredentials credentials, String org, String app) {

    static Outcome none() {
        return new Outcome(200, null, null, null, null, null);
    }

    static Outcome success(String message, AppCredentials credentials) {
        return new Outcome(200, message, null, credentials, null, null);
    }

    /** A failure: {@code error} is the Easemob error code, {@code message} the description. */
    static Outcome failure(int status, String error, String message) {
        return new Outcome(status, message, error, null, null, null);
    }

    /** The same outcome, with the create form filled with what the operator typed. */
    Outcome typed(String typedOrg, String typedApp) {
        return new Outcome(status, message, error, credentials, typedOrg, typedApp);
    }
}
