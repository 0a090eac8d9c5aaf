package io.imcloud.rest;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address lists of the trusted-proxy setting and the loopback check, without any name lookup. */
class ClientAddressesTest {

    @Test
    void addressListsTakeIpLiteralsOnly() {
        assertTrue(ClientAddresses.isAddressList(""));
        assertTrue(ClientAddresses.isAddressList("10.0.0.5, ::1 ,[fe80::1]"));
        assertFalse(ClientAddresses.isAddressList("proxy.example.com"));
        assertFalse(ClientAddresses.isAddressList("beef.dead"), "hex letters and dots are still a host name");
        assertFalse(ClientAddresses.isAddressList("10.0.0.5,10.0.0.0/8"));
        assertEquals(Set.of("10.0.0.5", "0:0:0:0:0:0:0:1"), ClientAddresses.parseAddressList("10.0.0.5,0::1,"));
    }

    @Test
    void onlyLoopbackLiteralsAreLoopback() {
        assertTrue(ClientAddresses.isLoopback("127.0.0.1"));
        assertTrue(ClientAddresses.isLoopback("127.8.9.10"));
        assertTrue(ClientAddresses.isLoopback("0:0:0:0:0:0:0:1"));
        assertFalse(ClientAddresses.isLoopback("203.0.113.7"));
        assertFalse(ClientAddresses.isLoopback("localhost"));
        assertFalse(ClientAddresses.isLoopback(ClientAddresses.UNKNOWN));
        assertFalse(ClientAddresses.isLoopback(null));
    }
}
