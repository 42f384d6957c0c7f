package dev.bastion.models.pull;

/** Receives the progress of a download. Called from the downloading thread only. */
public interface Progress {
    /** A progress sink that shows nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(long alreadyHave, long total) {
        }

        @Override
        public void advance(long done) {
        }

        @Override
        public void finish(long done) {
        }
    };

    /** The transfer begins with {@code alreadyHave} bytes on disk; {@code total} is -1 when unknown. */
    void start(long alreadyHave, long total);

    /** {@code done} bytes are on disk in all (including the resumed prefix). */
    void advance(long done);

    /** The transfer stopped (complete or not) with {@code done} bytes on disk. */
    void finish(long done);
}
