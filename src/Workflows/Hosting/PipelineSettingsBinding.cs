using System.Globalization;
using System.Reflection;
using System.Text.Json;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Overrides any field of <see cref="PipelineSettings"/> by its path (<c>Pipeline:Distillation:WeightDecay</c>), so
/// that every field a run carries can be set and none is silently dropped; ranges are
/// <see cref="Orchestrations.PipelineSettingsRules"/>' job. Walks the record's properties rather than listing keys.
/// </summary>
internal static class PipelineSettingsBinding
{
    public static PipelineSettings Read(SettingReader reader, string section, PipelineSettings preset)
    {
        // A deep copy: the presets are shared, and nested records are set in place below.
        var settings = JsonSerializer.Deserialize<PipelineSettings>(JsonSerializer.Serialize(preset))!;
        Overlay(reader, section, settings);
        return settings;
    }

    private static void Overlay(SettingReader reader, string prefix, object target)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsClass && type != typeof(string))
            {
                Overlay(reader, key, property.GetValue(target)!);
                continue;
            }
            if (reader.Text(key) is not { } text)
                continue;
            if (Convert(text, type, out var value))
                property.SetValue(target, value);
            else
                reader.Invalid(key, text, Expected(type));
        }
    }

    private static bool Convert(string text, Type type, out object? value)
    {
        value = null;
        if (type == typeof(string))
            value = text;
        else if (type == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            value = whole;
        else if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            value = number;
        else if (type == typeof(bool) && bool.TryParse(text, out var flag))
            value = flag;
        else if (type.IsEnum && Enum.GetNames(type).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } name)
            value = Enum.Parse(type, name);
        return value is not null;
    }

    private static string Expected(Type type) =>
        type == typeof(int) ? "a whole number"
        : type == typeof(double) ? "a number, like 0.5 or 3e-4"
        : type == typeof(bool) ? "true or false"
        : type.IsEnum ? "one of: " + string.Join(", ", Enum.GetNames(type))
        : throw new NotSupportedException($"PipelineSettings has a field of type {type}, which configuration cannot set");
}
