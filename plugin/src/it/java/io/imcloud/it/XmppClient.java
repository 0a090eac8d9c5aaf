package io.imcloud.it;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One logged-in XMPP client (Smack, over TCP to 127.0.0.1:5222) that collects every message it
 * receives. Stream management is off, so a disconnected client is offline for the server at once.
 */
public final class XmppClient implements AutoCloseable {

    /** How a client authenticates. */
    public enum Login {
        /** SCRAM-SHA-1 on a plain connection. */
        SCRAM_SHA_1,
        /** PLAIN after STARTTLS (Openfire's self-signed certificate is trusted for the test). */
        PLAIN_OVER_STARTTLS
    }

    /** Openfire made itself a self-signed certificate at setup; the test trusts it as it is. */
    private static final X509TrustManager TRUST_ANY = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    /** A TLS context that trusts Openfire's self-signed certificate, for HTTP clients of the same server. */
    public static SSLContext trustingTls() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {TRUST_ANY}, null);
        return tls;
    }

    private final XMPPTCPConnection connection;
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

    private XmppClient(XMPPTCPConnection connection) {
        this.connection = connection;
    }

    /** Connects and logs in as {@code node@localhost}; messages are collected from before the login on (offline delivery). */
    public static XmppClient login(String node, String password, Login login) throws Exception {
        return login("127.0.0.1", node, password, login, false);
    }

    /**
     * As {@link #login(String, String, Login)}, to the server listening on {@code address} (a cluster node), with
     * XEP-0198 stream management when {@code streamManagement} is true: the server then acknowledges the stanzas it
     * has handled (see {@link #onAcknowledged}).
     */
    public static XmppClient login(String address, String node, String password, Login login, boolean streamManagement)
            throws Exception {
        return login(address, node, password, login, streamManagement, "it");
    }

    /** As {@link #login(String, String, Login)}, as the session {@code resource} (a user's second device). */
    public static XmppClient login(String node, String password, Login login, String resource) throws Exception {
        return login("127.0.0.1", node, password, login, false, resource);
    }

    private static XmppClient login(String address, String node, String password, Login login, boolean streamManagement,
                                    String resource) throws Exception {
        XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(OpenfireServer.DOMAIN).setHost(address).setPort(OpenfireServer.CLIENT_PORT)
                .setUsernameAndPassword(node, password).setResource(resource).setConnectTimeout(10_000);
        if (login == Login.SCRAM_SHA_1) {
            config.setSecurityMode(SecurityMode.disabled).addEnabledSaslMechanism("SCRAM-SHA-1");
        } else {
            config.setSecurityMode(SecurityMode.required).addEnabledSaslMechanism("PLAIN")
                    .setCustomX509TrustManager(TRUST_ANY).setHostnameVerifier((host, session) -> true);
        }
        XMPPTCPConnection connection = new XMPPTCPConnection(config.build());
        connection.setUseStreamManagement(streamManagement);
        connection.setReplyTimeout(15_000);
        XmppClient client = new XmppClient(connection);
        connection.addAsyncStanzaListener(client.collector(), StanzaTypeFilter.MESSAGE);
        connection.connect().login();
        // The server handles one stream's stanzas in order: once it answers this ping, it has also handled the
        // initial presence sent before it, and messages to the bare JID reach this session rather than offline storage.
        if (!PingManager.getInstanceFor(connection).pingMyServer(false)) {
            throw new IllegalStateException(node + " logged in, but the server did not answer a ping");
        }
        return client;
    }

    /**
     * A connected client that has not logged in, as one that is about to register an account in band
     * (XEP-0077); its registration is sent in the clear, as Smack allows only when told to.
     */
    public static XMPPTCPConnection connectWithoutLogin() throws Exception {
        XMPPTCPConnection connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(OpenfireServer.DOMAIN).setHost("127.0.0.1").setPort(OpenfireServer.CLIENT_PORT)
                .setSecurityMode(SecurityMode.disabled).setConnectTimeout(10_000).build());
        connection.setReplyTimeout(15_000);
        connection.connect();
        return connection;
    }

    /**
     * Calls {@code listener} with each stanza the server acknowledged (XEP-0198; the client logged in with stream
     * management). Openfire acknowledges a stanza after it has routed it, its interceptors included.
     */
    public void onAcknowledged(StanzaListener listener) {
        connection.addStanzaAcknowledgedListener(listener);
    }

    private StanzaListener collector() {
        return (Stanza stanza) -> received.add((Message) stanza);
    }

    /** The underlying Smack connection. */
    public XMPPTCPConnection connection() {
        return connection;
    }

    /** {@code node@localhost}. */
    public static EntityBareJid jid(String node) throws Exception {
        return JidCreate.entityBareFrom(node + "@" + OpenfireServer.DOMAIN);
    }

    /** Sends a chat message with {@code body} to {@code node@localhost}. */
    public Message sendChat(String node, String body) throws Exception {
        Message message = connection.getStanzaFactory().buildMessageStanza().to(jid(node))
                .ofType(Message.Type.chat).setBody(body).build();
        connection.sendStanza(message);
        return message;
    }

    /** Sends {@code message} as it is. */
    public void send(Message message) throws Exception {
        connection.sendStanza(message);
    }

    /** The next received message that {@code wanted} accepts, skipping others; fails after {@code timeout}. */
    public Message await(Predicate<Message> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message> skipped = new ArrayList<>();
        try {
            while (true) {
                Message next = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new AssertionError("no such message within " + timeout + "; received instead: " + skipped);
                }
                if (wanted.test(next)) {
                    return next;
                }
                skipped.add(next);
            }
        } finally {
            received.addAll(skipped);
        }
    }

    /**
     * The received messages that {@code wanted} accepts, removed from what was collected, once there are
     * {@code count} of them or {@code timeout} has passed (then fewer: the caller says what is missing); others stay.
     */
    public List<Message> collect(Predicate<Message> wanted, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message> matched = new ArrayList<>();
        List<Message> skipped = new ArrayList<>();
        try {
            while (matched.size() < count) {
                Message next = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
                (wanted.test(next) ? matched : skipped).add(next);
            }
        } finally {
            received.addAll(skipped);
        }
        return matched;
    }

    /** Every message received within {@code quiet} of each other, removed from what was collected. */
    public List<Message> drain(Duration quiet) throws InterruptedException {
        List<Message> all = new ArrayList<>();
        Message next;
        while ((next = received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            all.add(next);
        }
        return all;
    }

    /** The XEP-0359 stanza-id {@code by} stamped on {@code message}, or null. */
    public static StanzaIdElement stanzaId(Message message) {
        return StanzaIdElement.getStanzaId(message);
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
