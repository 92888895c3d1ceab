using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using AzContext.Models;

namespace Microsoft.Azure.Commands.Common.Authentication
{
    /// <summary>Autosave settings as Enable/Disable/Get-AzContextAutosave(Setting) show them.</summary>
    public sealed class ContextAutosaveSettings
    {
        internal ContextAutosaveSettings(JsonObject raw)
        {
            Mode = Json.Str(raw, "Mode");
            ContextDirectory = Json.Str(raw, "ContextDirectory");
            ContextFile = Json.Str(raw, "ContextFile");
            CacheDirectory = Json.Str(raw, "CacheDirectory");
            CacheFile = Json.Str(raw, "CacheFile");
            KeyStoreFile = Json.Str(raw, "KeyStoreFile");
            Settings = Json.Map(raw, "Settings");
        }

        internal static ContextAutosaveSettings FromJson(string json) => new((Json.Parse(json) as JsonObject) ?? new JsonObject());

        public string? Mode { get; set; }
        public string? ContextDirectory { get; set; }
        public string? ContextFile { get; set; }
        public string? CacheDirectory { get; set; }
        public string? CacheFile { get; set; }
        public string? KeyStoreFile { get; set; }
        public IDictionary<string, string> Settings { get; }
    }
}

namespace Microsoft.Azure.Commands.Profile.Common
{
    /// <summary>Where a change goes: this process only, or the current user's store on disk.</summary>
    public enum ContextModificationScope
    {
        Process,
        CurrentUser,
    }
}
