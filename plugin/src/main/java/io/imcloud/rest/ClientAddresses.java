package io.imcloud.rest;

import javax.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The address a request comes from, for the management API's loopback check and the per-address limits.
 * {@link HttpServletRequest#getRemoteAddr()} is not it: with Openfire's {@code httpbind.forwarded.enabled} Jetty
 * takes it from a client-sent {@code X-Forwarded-For}. So the TCP peer of the connection is used, unless it is
 * one of the trusted proxies ({@code plugin.imcloud.http.trusted_proxies}): then the address that proxy forwarded.
 */
public final class ClientAddresses {

    /** Stands for a peer the container could not name: never the loopback, and one shared rate-limit bucket. */
    static final String UNKNOWN = "unknown";

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final Function<HttpServletRequest, String> tcpPeer;

    /** @param tcpPeer the IP literal of the connection's TCP peer, or null when the container cannot tell */
    public ClientAddresses(Function<HttpServletRequest, String> tcpPeer) {
        this.tcpPeer = tcpPeer;
    }

    /** The client's address: the TCP peer, or what a trusted proxy forwarded; {@value #UNKNOWN} when unknown. */
    String of(HttpServletRequest request, Set<String> trustedProxies) {
        String peer = normalize(tcpPeer.apply(request));
        if (peer == null) {
            return UNKNOWN;
        }
        if (trustedProxies.contains(peer)) {
            String forwarded = normalize(request.getRemoteAddr());
            return forwarded == null ? UNKNOWN : forwarded;
        }
        return peer;
    }

    /** True when {@code list} is empty or comma-separated IPv4/IPv6 address literals (no host names: nothing is resolved). */
    public static boolean isAddressList(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(a -> !a.isEmpty()).allMatch(a -> normalize(a) != null);
    }

    /** The addresses of an {@link #isAddressList address list}, each in one canonical form. */
    public static Set<String> parseAddressList(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                .map(ClientAddresses::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** True for 127.0.0.0/8 and ::1. */
    static boolean isLoopback(String address) {
        InetAddress parsed = parse(address); // UNKNOWN is no IP literal: null
        return parsed != null && parsed.isLoopbackAddress();
    }

    /** One spelling per address (e.g. {@code ::1} for {@code 0:0:0:0:0:0:0:1}), or null for anything but an IP literal. */
    private static String normalize(String literal) {
        InetAddress address = parse(literal);
        return address == null ? null : address.getHostAddress();
    }

    private static InetAddress parse(String literal) {
        if (literal == null) {
            return null;
        }
        String bare = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        if (!IPV4.matcher(bare).matches() && !IPV6.matcher(bare).matches()) {
            return null; // a host name would be looked up in DNS
        }
        try {
            return InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
