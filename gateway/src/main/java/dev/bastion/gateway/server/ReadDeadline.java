package dev.bastion.gateway.server;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client stalls while sending its headers or its body (a slow-loris client).
 *
 * <p>Helidon's listener closes connections that idle before their request line, but not ones stalled after it.
 * This listener arms a deadline when the request line has arrived and again when the headers have; the request
 * handler disarms it once the body is read (or at once when there is none). Helidon reads a connection's
 * request and runs its handler on one virtual thread, so the armed deadline is kept in a thread local. A deadline
 * that fires closes the socket, which ends the blocked read.
 */
final class ReadDeadline implements Http1ConnectionListener {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bastion-read-deadline");
        t.setDaemon(true);
        return t;
    });
    private static final ThreadLocal<ScheduledFuture<?>> ARMED = new ThreadLocal<>();

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
        ARMED.set(TIMER.schedule(() -> ctx.serverSocket().close(), timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Called on the request's thread once the client has sent everything the handler needs. */
    static void disarm() {
        ScheduledFuture<?> armed = ARMED.get();
        if (armed != null) {
            armed.cancel(false);
            ARMED.remove();
        }
    }
}
