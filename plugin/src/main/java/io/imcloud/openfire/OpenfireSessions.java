package io.imcloud.openfire;

import io.imcloud.tenancy.AppUser;
import io.imcloud.users.Sessions;
import org.jivesoftware.openfire.SessionManager;
import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collection;

/**
 * App users' sessions through Openfire's {@link SessionManager}, which sees the sessions of every cluster node. A user
 * is online with a session that sent its presence ({@code getSessions(String)}, a lookup in the routing table).
 * Closing takes every session, presence or not: Openfire 5.1 lists them with {@code getSessions(JID)}, which 4.2
 * lacks and which walks all client routes, so it is found at run time and used only there.
 */
final class OpenfireSessions implements Sessions {

    private static final Logger Log = LoggerFactory.getLogger(OpenfireSessions.class);
    private static final MethodHandle ALL_SESSIONS_OF_BARE_JID = allSessionsOfBareJid();

    private final String domain;

    OpenfireSessions(String domain) {
        this.domain = domain;
    }

    @Override
    public boolean isOnline(AppUser user) {
        return !XMPPServer.getInstance().getSessionManager().getSessions(user.node()).isEmpty();
    }

    @Override
    public int closeAll(AppUser user) {
        Collection<ClientSession> sessions = everySession(user);
        for (ClientSession session : sessions) {
            session.close();
        }
        Log.debug("Closed {} session(s) of {}", sessions.size(), user);
        return sessions.size();
    }

    @SuppressWarnings("unchecked") // the method's declared return type
    private Collection<ClientSession> everySession(AppUser user) {
        SessionManager manager = XMPPServer.getInstance().getSessionManager();
        if (ALL_SESSIONS_OF_BARE_JID != null) {
            try {
                return (Collection<ClientSession>) ALL_SESSIONS_OF_BARE_JID.invoke(manager, new JID(user.node(), domain, null));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("SessionManager.getSessions(JID) failed", e);
            }
        }
        return manager.getSessions(user.node());
    }

    private static MethodHandle allSessionsOfBareJid() {
        try {
            return MethodHandles.publicLookup().findVirtual(SessionManager.class, "getSessions",
                    MethodType.methodType(Collection.class, JID.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
