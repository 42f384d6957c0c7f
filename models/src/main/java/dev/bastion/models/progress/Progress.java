package dev.bastion.models.progress;

/** Receives the progress of a long job (a download, an evaluation, a scan). Called from the job's thread only. */
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

    /** The job begins with {@code alreadyHave} done (a resumed download's bytes); {@code total} is -1 when unknown. */
    void start(long alreadyHave, long total);

    /** {@code done} in all (including the resumed prefix). */
    void advance(long done);

    /** The job stopped (complete or not) with {@code done} in all. */
    void finish(long done);
}
