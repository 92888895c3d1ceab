using System.Linq;
using System.Text;

namespace AzContext.Models;

/// <summary>
/// Text as the format views show it. A name another tool stored may hold control characters (ESC, CR,
/// LF, C1 controls) that would move the cursor or recolour the terminal: the views write each as
/// <c>\xHH</c>; the objects' properties keep the stored text.
/// </summary>
public static class Display
{
    /// <summary><paramref name="text"/> with every C0 control, DEL and C1 control written as \xHH.</summary>
    public static string? Escape(string? text)
    {
        if (text is null || !text.Any(IsControl))
        {
            return text;
        }
        var b = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (IsControl(c))
            {
                b.Append("\\x").Append(((int)c).ToString("X2"));
            }
            else
            {
                b.Append(c);
            }
        }
        return b.ToString();
    }

    private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
