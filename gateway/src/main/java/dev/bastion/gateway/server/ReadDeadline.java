package dev.bastion.gateway.server;

import dev.bastion.gateway.watchdog.ReadDeadlines;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;

/**
 * Closes a connection whose client stalls while sending its headers or its body (a slow-loris client).
 *
 * <p>Helidon's listener closes connections that idle before their request line, but not ones stalled after it.
 * This listener arms a deadline when the request line has arrived and again when the headers have; the request
 * handler disarms it once the body is read (or at once when there is none). Helidon reads a connection's
 * request and runs its handler on one virtual thread, so the armed deadline is kept in a thread local. A deadline
 * that fires closes the socket, which ends the blocked read.
 *
 * <p>The deadlines are watched by the gateway's read watchdog ({@link ReadDeadlines#SHARED}, also the upstream
 * bodies' watchdog): arming is one insertion into a concurrent set and disarming one removal, and a stalled client
 * is cut off within its timeout plus the watchdog's {@link ReadDeadlines#TICK}. Before, each request scheduled two
 * timer tasks on a {@code ScheduledThreadPoolExecutor} and cancelled them: every schedule took the timer's lock,
 * and since cancelled tasks stay queued until their time, the timer thread woke up once per cancelled task
 * (twice a request) only to drop it, with a read timeout's worth of them (60,000 at 30 s and 1,000 requests/s)
 * in its queue (docs/benchmarks.md, "Gateway overhead", round twelve).
 */
final class ReadDeadline implements Http1ConnectionListener {
    private static final ThreadLocal<ReadDeadlines.Watch> ARMED = new ThreadLocal<>();

    private final Duration timeout;

    ReadDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        arm(ctx);
    }

    /**
     * Re-arms only while a deadline is armed: Helidon also reports the trailer fields of a chunked body here, after
     * the handler has read the body and disarmed, and a deadline armed then would cut off the response.
     */
    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        if (ARMED.get() != null) {
            arm(ctx);
        }
    }

    private void arm(ConnectionContext ctx) {
        disarm();
        ARMED.set(ReadDeadlines.SHARED.watch(() -> ctx.serverSocket().close(), timeout));
    }

    /** Called on the request's thread once the client has sent everything the handler needs. */
    static void disarm() {
        ReadDeadlines.Watch armed = ARMED.get();
        if (armed != null) {
            armed.close();
            ARMED.remove();
        }
    }
}
