package io.imcloud.archive;

import io.imcloud.tenancy.AppUser;

/**
 * A query over one user's own archive (XEP-0313 with XEP-0059 paging): messages the owner sent or
 * received, optionally only with one peer, within a time range, after or before an archive id.
 *
 * @param owner       whose archive
 * @param with        peer username, or null for every conversation
 * @param startMillis inclusive lower time bound, or null
 * @param endMillis   inclusive upper time bound, or null
 * @param afterId     only ids above this, or null
 * @param beforeId    only ids below this, or null
 * @param lastPage    true for an empty XEP-0059 {@code <before/>}: the newest page
 * @param max         page size (the caller caps it)
 */
public record ArchiveQuery(AppUser owner, String with, Long startMillis, Long endMillis,
                           Long afterId, Long beforeId, boolean lastPage, int max) {

    /** True when the page is taken from the newest end (before an id, or the last page). */
    public boolean fromNewest() {
        return beforeId != null || lastPage;
    }
}
