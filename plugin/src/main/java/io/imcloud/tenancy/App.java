package io.imcloud.tenancy;

/**
 * One app (tenant) as stored in {@code ofImApp}, without its secret hash and without its callback secret.
 *
 * @param key              the app key {@code org#app}
 * @param uuid             the app's id, Easemob's {@code application} field
 * @param clientId         the public half of the app's credentials
 * @param secretVersion    incremented by every secret rotation; app tokens carry it
 * @param openRegistration whether users may register without an app token
 * @param maxUsers         the most users the app may have, 0 for no limit
 * @param retentionDays    how long archived messages are kept, 0 for ever
 * @param files            the rules for the app's attachments
 * @param callbackUrl      where offline-message callbacks are posted, null for none
 * @param created          creation time, epoch milliseconds
 * @param modified         last change, epoch milliseconds
 */
public record App(AppKey key, String uuid, String clientId, int secretVersion, boolean openRegistration,
                  int maxUsers, int retentionDays, FilePolicy files, String callbackUrl, long created, long modified) {

    /** An app without a callback URL. */
    public App(AppKey key, String uuid, String clientId, int secretVersion, boolean openRegistration,
               int maxUsers, int retentionDays, FilePolicy files, long created, long modified) {
        this(key, uuid, clientId, secretVersion, openRegistration, maxUsers, retentionDays, files, null, created, modified);
    }

    /** True when the app has a callback URL for offline messages. */
    public boolean hasCallback() {
        return callbackUrl != null;
    }
}
