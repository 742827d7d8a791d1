package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.NotifyActivities;
import dev.restoreflow.workflows.model.JobNotice;
import java.util.ArrayList;
import java.util.List;

/** Takes the notices the jobs send, in order. */
final class FakeNotifier implements NotifyActivities {

  private final List<JobNotice> notices = new ArrayList<>();

  @Override
  public synchronized void notify(JobNotice notice) {
    notices.add(notice);
  }

  synchronized List<JobNotice> notices() {
    return List.copyOf(notices);
  }

  synchronized List<String> events(String jobId) {
    return notices.stream().filter(n -> n.jobId().equals(jobId)).map(JobNotice::event).toList();
  }
}
