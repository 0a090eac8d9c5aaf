package io.imcloud.testsupport;

import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.MembershipCache;
import io.imcloud.users.RegisteredUsers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link MembershipCache} in a map (what Openfire's cache is on one node), counting the database's answers it saved. */
public final class TestMembership implements MembershipCache {

    private final Map<String, Boolean> answers = new ConcurrentHashMap<>();
    private final AtomicInteger hits = new AtomicInteger();

    /** Membership read from {@code ofImUser} of {@code db}, cached in a new {@link TestMembership}. */
    public static AppMembership on(ConnectionProvider db) {
        return new AppMembership(new RegisteredUsers(db), new TestMembership());
    }

    @Override
    public Boolean get(String node) {
        Boolean answer = answers.get(node);
        if (answer != null) {
            hits.incrementAndGet();
        }
        return answer;
    }

    @Override
    public void put(String node, boolean member) {
        answers.put(node, member);
    }

    @Override
    public void remove(String node) {
        answers.remove(node);
    }

    /** How many answers came from the cache. */
    public int hits() {
        return hits.get();
    }

    /** How many answers are cached. */
    public int size() {
        return answers.size();
    }
}
