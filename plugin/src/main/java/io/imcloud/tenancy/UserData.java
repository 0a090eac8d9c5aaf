package io.imcloud.tenancy;

/**
 * Something that keeps data of app users (archived messages, conversations, ...) and removes all of one
 * user's when that user is deleted, so that a later user of the same name starts empty. The counterpart of
 * {@link AppData} for a single user; it lets the user service delete what others keep without depending on them.
 */
public interface UserData {

    /**
     * Removes everything kept for {@code user}, whose account is already gone, in bounded steps; returns how many
     * items went.
     */
    long deleteUser(AppUser user);
}
