// Follows the ingest jobs on the documents page until they are done; reloads once a job has finished.
(function () {
  const jobs = Array.from(document.querySelectorAll('.job')).filter(
    (li) => li.dataset.status === 'wachtend' || li.dataset.status === 'bezig');
  if (!jobs.length) return;
  const poll = () => {
    Promise.all(jobs.map((li) => fetch('/staff/documents/jobs/' + li.dataset.job, {credentials: 'same-origin'})
      .then((r) => r.json()).then((job) => {
        li.querySelector('.job-label').textContent = job.label;
        const bar = li.querySelector('progress');
        bar.max = job.total || 1;
        bar.value = job.done;
        li.querySelector('.job-count').textContent = job.done + ' / ' + job.total;
        li.dataset.status = job.status;
        return job.status === 'klaar' || job.status === 'mislukt';
      }))).then((finished) => {
        if (finished.every(Boolean)) window.location.reload();
        else setTimeout(poll, 1000);
      }).catch(() => setTimeout(poll, 3000));
  };
  setTimeout(poll, 500);
})();
