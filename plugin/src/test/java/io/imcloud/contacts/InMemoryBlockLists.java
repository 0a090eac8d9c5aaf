package io.imcloud.contacts;

import io.imcloud.tenancy.AppUser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link BlockLists} in memory, newest first as Openfire's XEP-0191 handler orders the list. */
public final class InMemoryBlockLists implements BlockLists {

    private final Map<AppUser, List<AppUser>> lists = new ConcurrentHashMap<>();

    @Override
    public synchronized List<AppUser> blockedBy(AppUser owner) {
        return List.copyOf(lists.getOrDefault(owner, List.of()));
    }

    @Override
    public synchronized void block(AppUser owner, List<AppUser> users) {
        List<AppUser> list = lists.computeIfAbsent(owner, o -> new ArrayList<>());
        List<AppUser> fresh = users.stream().filter(u -> !list.contains(u)).toList();
        list.addAll(0, fresh);
    }

    @Override
    public synchronized boolean unblock(AppUser owner, AppUser user) {
        return lists.getOrDefault(owner, new ArrayList<>()).remove(user);
    }
}
