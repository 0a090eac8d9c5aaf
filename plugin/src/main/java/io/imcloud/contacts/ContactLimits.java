package io.imcloud.contacts;

/**
 * How many contacts and blocked users one user may have (settings {@code plugin.imcloud.contacts.max_per_user} and
 * {@code plugin.imcloud.blocks.max_per_user}); bounded so that a roster or block list stays cheap to load and to check
 * on every stanza.
 *
 * @param maxContacts most contacts of one user
 * @param maxBlocks   most users on one block list
 */
public record ContactLimits(int maxContacts, int maxBlocks) {

    /** The default of {@link #maxContacts()}. */
    public static final int DEFAULT_MAX_CONTACTS = 3000;
    /** The default of {@link #maxBlocks()} (Easemob's limit). */
    public static final int DEFAULT_MAX_BLOCKS = 500;

    public ContactLimits {
        if (maxContacts < 1 || maxBlocks < 1) {
            throw new IllegalArgumentException("Contact limits must be positive");
        }
    }

    /** 3000 contacts and 500 blocked users. */
    public static ContactLimits defaults() {
        return new ContactLimits(DEFAULT_MAX_CONTACTS, DEFAULT_MAX_BLOCKS);
    }
}
