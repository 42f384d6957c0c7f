package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StartInParallelTest {
    @Test
    void aPartBuiltOnItsOwnDaemonThreadIsHandedBackByJoin() {
        StartInParallel<Thread> part = StartInParallel.begin("bastion-start-test", Thread::currentThread);

        Thread builder = part.join();

        assertThat(builder).isNotSameAs(Thread.currentThread());
        assertThat(builder.getName()).isEqualTo("bastion-start-test");
        assertThat(builder.isDaemon()).isTrue();
    }

    @Test
    void aPartThatFailsFailsTheJoinWithTheSameExceptionAndMessage() {
        IllegalArgumentException thrown = new IllegalArgumentException("routes[r].deny-patterns: bad pattern");
        StartInParallel<Void> part = StartInParallel.begin("bastion-start-test", () -> {
            throw thrown;
        });

        assertThatThrownBy(part::join).isSameAs(thrown);
    }

    @Test
    void anErrorInAPartIsRethrownAsItself() {
        StackOverflowError error = new StackOverflowError();
        StartInParallel<Void> part = StartInParallel.begin("bastion-start-test", () -> {
            throw error;
        });

        assertThatThrownBy(part::join).isSameAs(error);
    }

    @Test
    void thePartRunsWhileTheCallerWorksOnUntilItJoins() throws InterruptedException {
        CountDownLatch callerReachedItsOwnWork = new CountDownLatch(1);
        StartInParallel<Boolean> part = StartInParallel.begin("bastion-start-test",
                () -> awaitQuietly(callerReachedItsOwnWork));

        callerReachedItsOwnWork.countDown(); // a part run in sequence would still be waiting for this, in begin()

        assertThat(part.join()).isTrue();
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
