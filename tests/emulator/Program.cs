// The tests' emulator of Entra ID's v2.0 endpoints, managed identity and Azure Resource Manager.
//
//   dotnet AzContext.Emulator.dll --seed seed.json --pfx server.pfx [--parent-pid N] [--exit-on-stdin-eof]
//
// Listens on 127.0.0.1 only: HTTPS (everything) and plain HTTP (managed identity and the /_emu knobs),
// both on free ports. When ready, prints one line to stdout, {"https":PORT,"http":PORT2,"pid":PID}, and
// nothing else after it. Stops by itself when the parent process is gone or its stdin closes.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using AzContext.Emulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

string? seedPath = null, pfxPath = null;
int parentPid = 0;
var exitOnStdinEof = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed" when i + 1 < args.Length: seedPath = args[++i]; break;
        case "--pfx" when i + 1 < args.Length: pfxPath = args[++i]; break;
        case "--parent-pid" when i + 1 < args.Length: parentPid = int.Parse(args[++i]); break;
        case "--exit-on-stdin-eof": exitOnStdinEof = true; break;
        default:
            Console.Error.WriteLine($"emulator: unknown argument '{args[i]}'");
            return 2;
    }
}
if (seedPath is null || pfxPath is null)
{
    Console.Error.WriteLine("emulator: --seed FILE and --pfx FILE are required");
    return 2;
}

var state = new State(Seed.Load(seedPath));
var cert = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, "");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(cert));
    k.Listen(IPAddress.Loopback, 0);
});
var app = builder.Build();

var httpsPort = 0;
app.Use((ctx, next) => Admin.Middleware(ctx, next, state, httpsPort));
Entra.Map(app, state);
Arm.Map(app, state);
ManagedIdentity.Map(app, state);
Admin.Map(app, state);

await app.StartAsync();
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
int PortOf(string scheme) => addresses.Select(a => new Uri(a)).First(u => u.Scheme == scheme).Port;
httpsPort = PortOf("https");
var ready = new JsonObject { ["https"] = httpsPort, ["http"] = PortOf("http"), ["pid"] = Environment.ProcessId };
Console.Out.WriteLine(ready.ToJsonString());
Console.Out.Flush();

var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
if (exitOnStdinEof)
{
    // The parent holds our stdin open; when it exits (even killed), reads return end of file.
    _ = Task.Run(() =>
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
        lifetime.StopApplication();
    });
}
if (parentPid > 0)
{
    // And in case stdin was inherited elsewhere: the parent's pid going away stops us as well.
    _ = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping))
        {
            if (!Directory.Exists($"/proc/{parentPid}"))
            {
                lifetime.StopApplication();
                return;
            }
        }
    });
}
await app.WaitForShutdownAsync();
return 0;
