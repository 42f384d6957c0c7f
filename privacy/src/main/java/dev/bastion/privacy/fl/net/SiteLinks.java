package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.fl.WireReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The coordinator's side of the transport: a TLS 1.3 server socket that requires a client certificate pinned in
 * the roster (see {@link PinnedTls}), a {@link Control.Hello} whose site name matches that certificate, and then one
 * virtual thread per site reading frames into one bounded queue. A site whose connection ends, breaks or sends a
 * frame over the limit is gone for good (it may not come back in this run). Thread-safe.
 */
public final class SiteLinks implements AutoCloseable {
    private volatile java.util.function.Consumer<Inbound> tap = in -> { };


    /** A frame from a site. */
    public record Inbound(int site, Optional<Framing.Frame> frame) {
    }

    private record Link(SSLSocket socket, OutputStream out) {
    }

    private static final int ADMISSION_TIMEOUT_MS = 60_000;

    private final Roster roster;
    private final SSLServerSocket server;
    private final int maxFrameBytes;
    private final Consumer<String> events;
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private final Set<Integer> everConnected = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Inbound> queue = new LinkedBlockingQueue<>(10_000);

    private SiteLinks(Roster roster, SSLServerSocket server, int maxFrameBytes, Consumer<String> events) {
        this.roster = roster;
        this.server = server;
        this.maxFrameBytes = maxFrameBytes;
        this.events = events;
    }

    /** Listens on {@code bind:port} (port 0: any free port) and starts accepting sites. */
    public static SiteLinks listen(Roster roster, Identity coordinator, InetAddress bind, int port, int maxFrameBytes,
            Consumer<String> events) throws IOException {
        Set<String> pins = roster.sites().stream().map(Roster.Site::certificateFingerprint).collect(Collectors.toSet());
        SSLServerSocket server = (SSLServerSocket) PinnedTls.context(coordinator, pins).getServerSocketFactory()
                .createServerSocket(port, 64, bind);
        server.setNeedClientAuth(true);
        SiteLinks links = new SiteLinks(roster, server, maxFrameBytes, events);
        Thread.ofVirtual().name("fl-accept").start(links::acceptLoop);
        return links;
    }

    /** Tests only: every frame the coordinator receives, as it arrives (what a curious coordinator would keep). */
    void tap(java.util.function.Consumer<Inbound> recorder) {
        this.tap = recorder;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                Thread.ofVirtual().start(() -> admit(s));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    events.accept("fl.accept-failed " + e.getClass().getSimpleName());
                }
            }
        }
    }

    private void admit(SSLSocket s) {
        int site = 0;
        try {
            s.setSoTimeout(ADMISSION_TIMEOUT_MS); // generous: a site JVM on a loaded machine starts slowly
            s.startHandshake();
            String fp = SelfSignedCertificate.fingerprint((X509Certificate) s.getSession().getPeerCertificates()[0]);
            Roster.Site r = roster.siteByFingerprint(fp).orElseThrow(() -> new IOException("certificate not in roster"));
            Optional<Framing.Frame> hello = Framing.read(s.getInputStream(), 4096);
            if (hello.isEmpty() || hello.get().channel() != Framing.CONTROL
                    || !(Control.decode(hello.get().payload()) instanceof Control.Hello h)
                    || !h.federation().equals(roster.federation()) || !h.site().equals(r.name())) {
                throw new IOException("the hello does not match the certificate and federation");
            }
            if (!everConnected.add(r.id())) {
                throw new IOException("site " + r.name() + " is already connected or has left this run");
            }
            site = r.id();
            s.setSoTimeout(0);
            s.setTcpNoDelay(true);
            links.put(site, new Link(s, s.getOutputStream()));
            events.accept("fl.site-joined site=" + site + " name=" + r.name());
        } catch (IOException | WireReader.Malformed e) {
            events.accept("fl.site-refused reason=" + (e instanceof SocketTimeoutException ? "timeout" : e.getMessage()));
            closeQuietly(s);
            return;
        }
        try {
            while (true) {
                Optional<Framing.Frame> f = Framing.read(s.getInputStream(), maxFrameBytes);
                if (f.isEmpty()) {
                    break;
                }
                Inbound in = new Inbound(site, f);
                tap.accept(in);
                queue.put(in);
            }
        } catch (IOException e) {
            events.accept("fl.site-broken site=" + site + " " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gone(site);
    }

    private void gone(int site) {
        Link l = links.remove(site);
        if (l != null) {
            closeQuietly(l.socket());
            events.accept("fl.site-gone site=" + site);
            queue.offer(new Inbound(site, Optional.empty()));
        }
    }

    /** Waits until every roster site is connected or {@code timeout} passes; returns how many are connected. */
    public int awaitSites(Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (links.size() < roster.sites().size() && Instant.now().isBefore(end)) {
            Thread.sleep(20);
        }
        return links.size();
    }

    public SortedSet<Integer> live() {
        return new TreeSet<>(links.keySet());
    }

    /** Sends one frame; returns its bytes on the wire, 0 if the site is gone (or goes now). */
    public long send(int site, int channel, byte[] payload) {
        Link l = links.get(site);
        if (l == null) {
            return 0;
        }
        try {
            synchronized (l) {
                return Framing.write(l.out(), channel, payload);
            }
        } catch (IOException e) {
            gone(site);
            return 0;
        }
    }

    public long broadcast(int channel, byte[] payload) {
        long total = 0;
        for (int site : live()) {
            total += send(site, channel, payload);
        }
        return total;
    }

    /** The next frame or departure, or null after the wait. */
    public Inbound poll(long wait, TimeUnit unit) throws InterruptedException {
        return queue.poll(wait, unit);
    }

    /** Drops frames still queued from an earlier attempt (their headers would be refused anyway). */
    public void drain() {
        queue.clear();
    }

    /** Tells every live site training is over and closes the links. */
    public void finish(String reason) {
        byte[] bye = Control.encode(new Control.Finish(reason));
        for (int site : new HashSet<>(links.keySet())) {
            send(site, Framing.CONTROL, bye);
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        for (int site : new HashSet<>(links.keySet())) {
            gone(site);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort: the peer may already be gone
        }
    }
}
