package dev.bastion.gateway.backend;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The upstream client's name resolution: as Helidon's default ({@link InetAddress#getAllByName}, the first address
 * the lookup preference keeps), with the name from the URL kept on an IPv4 address. Stateless and thread-safe.
 *
 * <p>Why: Helidon's WebClient asks the system proxy selector for every new connection, and to do so takes
 * {@link java.net.InetSocketAddress#getHostName()} of the resolved address. For an upstream given by IP address
 * ({@code http://10.0.0.5:8000}, {@code http://127.0.0.1:11434}) the address has no name, so that call is a reverse
 * DNS look-up and a forward look-up to check it, on the request's thread before the connection opens: two reads of
 * {@code /etc/hosts} for 127.0.0.1 (strace, docs/benchmarks.md, "Gateway overhead", rounds nine and thirteen), a PTR
 * query for an address the hosts file does not name (0.2-3 ms here, the resolver's time-out when DNS is down). A
 * streamed request pays it whenever the pooled connection was idle too long. An address created with the URL's own
 * host string answers {@code getHostName()} without a look-up; proxy selection, the connection and TLS see the same
 * host string as before. IPv6 addresses are returned as resolved (a scope id, and the bracketed literal form, are
 * not worth the risk here).
 */
final class NamedAddresses implements DnsResolver {
    @Override
    public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
        InetAddress[] all;
        try {
            all = lookup.filter(InetAddress.getAllByName(hostname));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Failed to get address from the hostname: " + hostname, e);
        }
        if (all.length == 0) {
            throw new IllegalArgumentException("Failed to get address from the hostname: " + hostname);
        }
        InetAddress first = all[0];
        if (!(first instanceof Inet4Address)) {
            return first;
        }
        try {
            return InetAddress.getByAddress(hostname, first.getAddress());
        } catch (UnknownHostException e) {
            return first; // only for an address of the wrong length, which an Inet4Address never has
        }
    }
}
