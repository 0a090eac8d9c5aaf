package io.imcloud.tenancy;

/**
 * Something that keeps data of apps (users, archived messages, ...) and removes all of one app's
 * when that app is deleted ({@link AppRemoval}).
 */
public interface AppData {

    /** What is counted, e.g. {@code users} or {@code messages}; the key of {@link AppRemoval}'s counts. */
    String kind();

    /** Removes everything kept for {@code appKey}, in bounded steps; returns how many items went. */
    long deleteAll(AppKey appKey);
}
