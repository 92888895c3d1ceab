using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;

namespace AzContext.Commands;

/// <summary>
/// A cmdlet run in the background, as Az's -AsJob runs one (PSJobTypeName AzureLongRunningJob, named
/// "Long Running Operation for '&lt;cmdlet&gt;'"): the same command with the same parameters in a runspace
/// of its own, in this process, with the module imported. The caller passes the context to use as
/// -DefaultProfile, taken when the job is made: a context another runspace selects later never reaches
/// the job. Output, errors and the other streams are the job's; Stop-Job stops the command as Ctrl+C would.
/// A plain <see cref="Job"/> kept in the session's job repository, as Az's is: Receive-Job -AutoRemoveJob
/// and Remove-Job take it out of the repository themselves (a Job2 would need a job source adapter).
/// </summary>
internal sealed class AzureLongRunningJob : Job
{
    private readonly string _modulePath;
    private readonly string _command;
    private readonly IDictionary _parameters;
    private readonly object _lock = new();
    private PowerShell? _ps;
    private bool _stopping;

    /// <param name="command">The command line, as Get-Job shows it.</param>
    /// <param name="cmdletName">The cmdlet to run (module-qualified when it is run).</param>
    /// <param name="modulePath">The module's manifest, imported in the job's runspace.</param>
    /// <param name="parameters">The cmdlet's parameters, -AsJob left out, -DefaultProfile set.</param>
    internal AzureLongRunningJob(string command, string cmdletName, string modulePath, IDictionary parameters)
        : base(command, $"Long Running Operation for '{cmdletName}'")
    {
        PSJobTypeName = "AzureLongRunningJob";
        _command = cmdletName;
        _modulePath = modulePath;
        _parameters = parameters;
    }

    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Information.Count > 0;

    public override string Location => "localhost";

    public override string StatusMessage => string.Empty;

    internal void StartJob()
    {
        SetJobState(JobState.Running);
        // The runspace opens (and imports the module) on the pool thread: -AsJob returns at once.
        Task.Run(Run);
    }

    private void Run()
    {
        lock (_lock)
        {
            if (_stopping)
            {
                // Stop-Job came before the job ran at all.
                SetJobState(JobState.Stopped);
                return;
            }
        }
        InitialSessionState iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(new[] { _modulePath });
        using Runspace runspace = RunspaceFactory.CreateRunspace(iss);
        using PowerShell ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.Streams.Error = Error;
        ps.Streams.Warning = Warning;
        ps.Streams.Verbose = Verbose;
        ps.Streams.Debug = Debug;
        ps.Streams.Information = Information;
        ps.Streams.Progress = Progress;
        JobState end = JobState.Completed;
        try
        {
            runspace.Open();
            ps.AddCommand("AzContext\\" + _command).AddParameters(_parameters);
            IAsyncResult running = ps.BeginInvoke<PSObject, PSObject>(null, Output);
            // Stop-Job stops only a command that runs: one that came while the runspace opened is
            // seen here, and this thread stops the command itself.
            bool stop;
            lock (_lock)
            {
                _ps = ps;
                stop = _stopping;
            }
            if (stop)
            {
                ps.BeginStop(null, null);
            }
            ps.EndInvoke(running);
            if (ps.HadErrors && Error.Count > 0)
            {
                end = JobState.Failed;
            }
        }
        catch (PipelineStoppedException)
        {
            end = JobState.Stopped;
        }
        catch (RuntimeException e)
        {
            // A terminating error of the command: the job's error, as in Az's jobs.
            Error.Add(e.ErrorRecord);
            end = Volatile.Read(ref _stopping) ? JobState.Stopped : JobState.Failed;
        }
        catch (Exception e)
        {
            Error.Add(new ErrorRecord(e, "JobFailed", ErrorCategory.NotSpecified, _command));
            end = JobState.Failed;
        }
        finally
        {
            lock (_lock)
            {
                _ps = null;
            }
        }
        if (Volatile.Read(ref _stopping) && end != JobState.Failed)
        {
            end = JobState.Stopped;
        }
        SetJobState(end);
    }

    public override void StopJob()
    {
        PowerShell? ps;
        lock (_lock)
        {
            if (_stopping || IsFinished(JobStateInfo.State))
            {
                ps = null;
            }
            else
            {
                _stopping = true;
                ps = _ps;
                SetJobState(JobState.Stopping);
            }
        }
        // Asked, not waited for through PowerShell's own stop handle (its synchronous Stop() failed now
        // and then with a NullReferenceException under load): the job's end is what Stop-Job waits for,
        // and the job's thread ends it, also when no command ran yet.
        ps?.BeginStop(null, null);
        Finished.WaitOne(TimeSpan.FromSeconds(30));
    }

    private static bool IsFinished(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Stopped;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            PowerShell? ps;
            lock (_lock)
            {
                _stopping = true;
                ps = _ps;
            }
            ps?.BeginStop(null, null);
        }
        base.Dispose(disposing);
    }
}
