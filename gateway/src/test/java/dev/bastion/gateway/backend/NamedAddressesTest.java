package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webclient.api.DnsAddressLookup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The upstream client's resolver keeps the URL's host on the address, so no reverse look-up follows. */
class NamedAddressesTest {
    private final NamedAddresses resolver = new NamedAddresses();

    @Test
    void anIpAddressUpstreamKeepsItsOwnTextAsItsName() {
        InetAddress resolved = resolver.resolveAddress("127.0.0.1", DnsAddressLookup.defaultLookup());
        assertThat(resolved.getAddress()).containsExactly(127, 0, 0, 1);
        assertThat(resolved.toString()).as("a name is already attached (toString never looks one up)")
                .isEqualTo("127.0.0.1/127.0.0.1");
        // What Helidon's proxy selection asks for; a reverse look-up would answer "localhost" from /etc/hosts.
        assertThat(new InetSocketAddress(resolved, 80).getHostName()).isEqualTo("127.0.0.1");
    }

    @Test
    void aNamedUpstreamKeepsItsName() {
        InetAddress resolved = resolver.resolveAddress("localhost", DnsAddressLookup.IPV4);
        assertThat(resolved.toString()).startsWith("localhost/");
        assertThat(new InetSocketAddress(resolved, 80).getHostName()).isEqualTo("localhost");
    }

    @Test
    void theLookupPreferenceStillChoosesTheFamily() {
        InetAddress resolved = resolver.resolveAddress("127.0.0.1", DnsAddressLookup.IPV4);
        assertThat(resolved).isInstanceOf(java.net.Inet4Address.class);
    }
}
