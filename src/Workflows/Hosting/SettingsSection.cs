using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// The configuration section of options type <typeparamref name="T"/>, checked before ConfigurationBinder sees it. The
/// binder ignores a key no property matches and stops at the first value it cannot convert, saying neither what the
/// setting accepts nor anything of the others; so every key is matched here to a property by its path first. A key
/// that matches none, or a value that does not convert or falls outside its property's <see cref="RangeAttribute"/>,
/// is a problem in the host's one format (<see cref="SettingProblems"/>); the rest reach the binder (<see cref="Bind{TOptions}"/>),
/// durations given as <c>2s</c> or <c>500ms</c> written as TimeSpan's own <c>00:00:02</c>. The section's validator
/// adds its own rules to them (<see cref="Check"/>).
/// </summary>
internal sealed class SettingsSection<T>
{
    private readonly IConfiguration _configuration;
    private readonly IConfiguration _convertible;
    private readonly List<string> _problems;

    /// <param name="configuration">The host's configuration: the sources of values are named from its providers.</param>
    /// <param name="section">The section name, e.g. <c>Storage</c>.</param>
    /// <param name="shapes">Types whose properties the section's keys may also set (besides <typeparamref name="T"/>'s).</param>
    public SettingsSection(IConfiguration configuration, string section, params Type[] shapes)
    {
        _configuration = configuration;
        Name = section;
        var problems = new SettingProblems(configuration, []);
        var convertible = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, raw) in configuration.GetSection(section).AsEnumerable().OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (raw is null)
                continue; // a section, not a value
            var path = key[(section.Length + 1)..].Split(':');
            Type[] all = [typeof(T), .. shapes];
            if (all.Select(shape => Find(shape, path, all)).FirstOrDefault(found => found is not null) is not { } found)
            {
                problems.Unknown(key);
                continue;
            }
            // An empty value means "not set": the default stays.
            if (raw.Trim() is not { Length: > 0 } text)
                continue;
            var canonical = $"{section}:{found.Path}";
            if (Convert(found.Property, text) is { } value)
                convertible[canonical] = value;
            else
                problems.Invalid(canonical, text, Expected(found.Property));
        }
        _problems = [.. problems.All];
        _convertible = new ConfigurationBuilder().AddInMemoryCollection(convertible).Build();
    }

    public string Name { get; }

    /// <summary>The checks of the section's validator, starting from the keys that are unknown and the values that did not convert.</summary>
    public SettingProblems Check() => new(_configuration, _problems);

    /// <summary>Binds the values that converted onto <paramref name="options"/>; the others keep its defaults.</summary>
    public TOptions Bind<TOptions>(TOptions options) where TOptions : class
    {
        _convertible.GetSection(Name).Bind(options);
        return options;
    }

    /// <summary>
    /// The settable property that <paramref name="path"/> names under <paramref name="type"/>, in any letter case. A
    /// property whose type is one of the <paramref name="shapes"/> holds keys of the section itself, not a section of its own.
    /// </summary>
    private static (PropertyInfo Property, string Path)? Find(Type type, string[] path, Type[] shapes)
    {
        var names = new List<string>();
        PropertyInfo? property = null;
        foreach (var segment in path)
        {
            if (property is not null && !IsNested(property.PropertyType))
                return null;
            type = property?.PropertyType ?? type;
            property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => p.SetMethod?.IsPublic == true && !shapes.Contains(p.PropertyType) && p.Name.Equals(segment, StringComparison.OrdinalIgnoreCase));
            if (property is null)
                return null;
            names.Add(property.Name);
        }
        return property is null || IsNested(property.PropertyType) ? null : (property, string.Join(':', names));
    }

    private static bool IsNested(Type type) => type.IsClass && type != typeof(string) && type != typeof(Uri);

    /// <summary>The value in the form the binder converts, or null when it is not one the property accepts.</summary>
    private static string? Convert(PropertyInfo property, string text)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var range = property.GetCustomAttribute<RangeAttribute>();
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string))
            return text;
        if (type == typeof(int) || type == typeof(long))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var whole) && (type == typeof(long) || whole is >= int.MinValue and <= int.MaxValue)
                && (range is null || (whole >= System.Convert.ToInt64(range.Minimum, invariant) && whole <= System.Convert.ToInt64(range.Maximum, invariant)))
                ? whole.ToString(invariant) : null;
        }
        if (type == typeof(double))
        {
            return double.TryParse(text, NumberStyles.Float, invariant, out var number) && double.IsFinite(number)
                && (range is null || (number >= System.Convert.ToDouble(range.Minimum, invariant) && number <= System.Convert.ToDouble(range.Maximum, invariant)))
                ? number.ToString("R", invariant) : null;
        }
        if (type == typeof(bool))
            return bool.TryParse(text, out var flag) ? flag.ToString(invariant) : null;
        if (type.IsEnum)
            return Enum.GetNames(type).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (type == typeof(TimeSpan))
        {
            return Durations.TryParse(text, out var duration) && (range is null || (duration >= Bound(range.Minimum) && duration <= Bound(range.Maximum)))
                ? duration.ToString("c", invariant) : null;
        }
        if (type == typeof(Uri))
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? text : null;
        throw new NotSupportedException($"{property.DeclaringType?.Name}.{property.Name} is a {type.Name}, which settings cannot set");
    }

    /// <summary>What the property accepts, in words: its <see cref="DescriptionAttribute"/>, else said from its type and range.</summary>
    private static string Expected(PropertyInfo property)
    {
        if (property.GetCustomAttribute<DescriptionAttribute>() is { } description)
            return description.Description;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var range = property.GetCustomAttribute<RangeAttribute>();
        var between = range is null ? "" : $" from {Show(range.Minimum)} to {Show(range.Maximum)}";
        return type == typeof(int) || type == typeof(long) ? $"a whole number{between}"
            : type == typeof(double) ? (range is null ? "a number, like 0.5 or 3e-4" : $"a number{between}")
            : type == typeof(bool) ? "true or false"
            : type.IsEnum ? "one of: " + string.Join(", ", Enum.GetNames(type))
            : type == typeof(TimeSpan) ? $"a duration{between}, like 00:00:02, 2s or 500ms"
            : "an absolute http(s) URL";
    }

    private static TimeSpan Bound(object value) => TimeSpan.Parse((string)value, CultureInfo.InvariantCulture);

    private static string Show(object bound) => bound is string span
        ? Bound(span).ToString("c", CultureInfo.InvariantCulture)
        : System.Convert.ToString(bound, CultureInfo.InvariantCulture)!;
}
