package io.imcloud.archive;

import java.util.List;

/**
 * One page of an {@link ArchiveQuery}, oldest first (XEP-0313 order).
 *
 * @param messages the page
 * @param complete true when no further message lies beyond the page in the direction paged
 */
public record ArchivePage(List<ArchivedMessage> messages, boolean complete) {
}
