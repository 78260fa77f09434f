using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>One resource a deployment would create, with every expression in it evaluated.</summary>
/// <param name="Type">e.g. <c>Microsoft.App/containerApps</c>.</param>
/// <param name="Name">Its full name, parents first (<c>account/default/queue</c>).</param>
/// <param name="Id">Its resource id.</param>
/// <param name="Scope">The resource id it extends (role assignments), or null.</param>
/// <param name="Body">Everything but the bookkeeping (copy, condition, dependsOn); a module's template is left out.</param>
internal sealed record ArmResource(string Type, string Name, string Id, string? Scope, JsonObject Body)
{
    public JsonNode? Properties => Body["properties"];

    public override string ToString() => $"{Type} {Name}";
}

/// <summary>
/// A compiled template (languageVersion 2.0, as <c>bicep build</c> writes it) evaluated the way Resource Manager would
/// evaluate a deployment into one resource group, far enough for contract tests: parameters and their defaults,
/// variables, exported functions, copy loops, conditions, existing resources and modules with their outputs. Values that
/// only exist once resources do (a resource's <c>reference()</c>, <c>listKeys()</c>) come out as an opaque
/// «reference(id).path» string, so two of them are equal exactly when they name the same property of the same resource.
/// A function this evaluator does not know fails the test that needs it, naming the function.
/// </summary>
internal sealed class ArmDeployment
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string ResourceGroupName = "rg-contract";
    public const string Location = "swedencentral";

    public static string ResourceGroupId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}";

    private ArmDeployment(IReadOnlyList<ArmResource> resources, JsonObject outputs) => (Resources, Outputs) = (resources, outputs);

    /// <summary>Every resource deployed, those of modules included (the modules themselves are not listed).</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    /// <summary>Output name to value.</summary>
    public JsonObject Outputs { get; }

    public static ArmDeployment Evaluate(JsonNode template, IReadOnlyDictionary<string, JsonNode?> parameters)
    {
        var scope = new TemplateScope(template.AsObject(), parameters.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.OrdinalIgnoreCase));
        var resources = scope.Deploy();
        return new ArmDeployment(resources, scope.Outputs());
    }

    /// <summary>The resources of one type.</summary>
    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type with this name (its last segment).</summary>
    public ArmResource Single(string type, string name) =>
        OfType(type).SingleOrDefault(r => string.Equals(r.Name.Split('/')[^1], name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"no {type} named {name}; there are: {string.Join(", ", OfType(type))}");

    public static bool IsOpaque(string value) => value.StartsWith('«');

    /// <summary>The id of a resource in the deployment's resource group.</summary>
    public static string ResourceId(string type, params string[] names)
    {
        var types = type.Split('/');
        if (types.Length - 1 != names.Length)
            throw new ArgumentException($"{type} needs {types.Length - 1} names, got {names.Length}");
        var path = new StringBuilder($"{ResourceGroupId}/providers/{types[0]}");
        for (var i = 0; i < names.Length; i++)
            path.Append('/').Append(types[i + 1]).Append('/').Append(names[i]);
        return path.ToString();
    }

    /// <summary>One template's scope: its parameters, variables, functions, resources and modules.</summary>
    private sealed class TemplateScope(JsonObject template, Dictionary<string, JsonNode?> parameterValues)
    {
        private readonly Dictionary<string, JsonNode?> _parameters = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, JsonNode?> _variables = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, TemplateScope> _modules = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _evaluating = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<(string Name, int Index)> _loops = [];
        private readonly List<(string Name, JsonNode? Value)> _lambdaVariables = [];

        /// <summary>Resources by symbolic name (languageVersion 2.0), or by position in a 1.0 template's array.</summary>
        private Dictionary<string, JsonObject> Resources => field ??= template["resources"] switch
        {
            JsonObject named => named.ToDictionary(r => r.Key, r => r.Value!.AsObject()),
            JsonArray list => list.Select((r, i) => (Key: $"#{i}", Value: r!.AsObject())).ToDictionary(r => r.Key, r => r.Value),
            _ => [],
        };

        public List<ArmResource> Deploy()
        {
            var deployed = new List<ArmResource>();
            foreach (var (symbolicName, resource) in Resources)
            {
                if (resource["existing"]?.GetValue<bool>() == true)
                    continue;
                if (IsModule(resource))
                {
                    if (Condition(resource))
                        deployed.AddRange(Module(symbolicName).Deploy());
                    continue;
                }
                foreach (var index in Iterations(resource))
                {
                    using var loop = index is { } i ? EnterLoop(resource["copy"]!["name"]!.GetValue<string>(), i) : null;
                    if (!Condition(resource))
                        continue;
                    var body = new JsonObject();
                    foreach (var (key, value) in resource)
                    {
                        if (key is not ("copy" or "condition" or "dependsOn" or "existing"))
                            body[key] = Evaluate(value);
                    }
                    var (type, name, scope) = (Text(body["type"]), Text(body["name"]), body["scope"] is { } s ? Text(s) : null);
                    deployed.Add(new ArmResource(type, name, IdOf(type, name, scope), scope, body));
                }
            }
            return deployed;
        }

        public JsonObject Outputs()
        {
            var outputs = new JsonObject();
            foreach (var (name, output) in template["outputs"] as JsonObject ?? [])
                outputs[name] = Evaluate(output!["value"]);
            return outputs;
        }

        private static bool IsModule(JsonObject resource) => Text(resource["type"]) == "Microsoft.Resources/deployments";

        private bool Condition(JsonObject resource) => resource["condition"] is not { } condition || Evaluate(condition)!.GetValue<bool>();

        private IEnumerable<int?> Iterations(JsonObject resource)
        {
            if (resource["copy"] is not JsonObject copy)
            {
                yield return null;
                yield break;
            }
            var count = Number(Evaluate(copy["count"]));
            for (var i = 0; i < count; i++)
                yield return i;
        }

        private TemplateScope Module(string symbolicName)
        {
            if (_modules.TryGetValue(symbolicName, out var module))
                return module;
            if (!_evaluating.Add("module:" + symbolicName))
                throw new InvalidOperationException($"module {symbolicName} depends on itself");
            var properties = Resources[symbolicName]["properties"]!.AsObject();
            if (properties["expressionEvaluationOptions"]?["scope"]?.GetValue<string>() != "inner")
                throw new NotSupportedException($"module {symbolicName}: only inner-scoped nested templates are supported");
            var values = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, parameter) in properties["parameters"] as JsonObject ?? [])
                values[name] = Evaluate(parameter!["value"]);
            module = new TemplateScope(properties["template"]!.AsObject(), values);
            _modules[symbolicName] = module;
            return module;
        }

        private JsonNode? Parameter(string name)
        {
            if (_parameters.TryGetValue(name, out var known))
                return known?.DeepClone();
            JsonNode? value;
            if (parameterValues.TryGetValue(name, out var given))
                value = given?.DeepClone();
            else if (template["parameters"]?[name] is JsonObject declared && declared.ContainsKey("defaultValue"))
                value = Evaluate(declared["defaultValue"]);
            else
                throw new InvalidOperationException($"parameter '{name}' has no value and no default");
            _parameters[name] = value;
            return value?.DeepClone();
        }

        private JsonNode? Variable(string name)
        {
            if (_variables.TryGetValue(name, out var known))
                return known?.DeepClone();
            if (!_evaluating.Add("variable:" + name))
                throw new InvalidOperationException($"variable {name} depends on itself");
            var variables = template["variables"]!.AsObject();
            JsonNode? value;
            if (variables.ContainsKey(name))
                value = Evaluate(variables[name]);
            else if (variables["copy"] is JsonArray copies && copies.FirstOrDefault(c => Text(c!["name"]) == name) is JsonObject copy)
                value = Loop(copy);
            else
                throw new InvalidOperationException($"no variable '{name}'");
            _variables[name] = value;
            _evaluating.Remove("variable:" + name);
            return value?.DeepClone();
        }

        /// <summary>A copy loop of a variable or a property: its input, once per index.</summary>
        private JsonArray Loop(JsonObject copy)
        {
            var name = Text(copy["name"]);
            var count = Number(Evaluate(copy["count"]));
            var items = new JsonArray();
            for (var i = 0; i < count; i++)
            {
                using var loop = EnterLoop(name, i);
                items.Add(Evaluate(copy["input"]));
            }
            return items;
        }

        private LoopExit EnterLoop(string name, int index)
        {
            _loops.Add((name, index));
            return new LoopExit(_loops);
        }

        private sealed class LoopExit(List<(string Name, int Index)> loops) : IDisposable
        {
            public void Dispose() => loops.RemoveAt(loops.Count - 1);
        }

        /// <summary>A JSON value with every expression string in it evaluated (and property copy loops expanded).</summary>
        public JsonNode? Evaluate(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    var result = new JsonObject();
                    foreach (var (key, value) in obj)
                    {
                        if (key == "copy" && value is JsonArray loops)
                        {
                            foreach (var loop in loops)
                                result[Text(loop!["name"])] = Loop(loop.AsObject());
                        }
                        else
                        {
                            result[Text(Evaluate(JsonValue.Create(key)))] = Evaluate(value);
                        }
                    }
                    return result;
                case JsonArray array:
                    return new JsonArray([.. array.Select(Evaluate)]);
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    var text = value.GetValue<string>();
                    if (text.StartsWith("[[", StringComparison.Ordinal))
                        return JsonValue.Create(text[1..]);
                    if (text.StartsWith('[') && text.EndsWith(']'))
                        return Expression(text[1..^1]);
                    return JsonValue.Create(text);
                default:
                    return node?.DeepClone();
            }
        }

        private JsonNode? Expression(string text)
        {
            var parser = new Parser(text);
            var expression = parser.Parse();
            return Eval(expression);
        }

        private JsonNode? Eval(Node node) => node switch
        {
            Literal literal => literal.Value?.DeepClone(),
            Member member => MemberOf(Eval(member.Target), member.Name),
            Index index => IndexOf(Eval(index.Target), Eval(index.Key)),
            Call call => Invoke(call),
            _ => throw new NotSupportedException(node.ToString()),
        };

        private static JsonNode? MemberOf(JsonNode? target, string name) => target switch
        {
            JsonObject obj => obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.DeepClone()
                ?? throw new InvalidOperationException($"no property '{name}' in {obj.ToJsonString()}"),
            JsonValue value when value.GetValueKind() == JsonValueKind.String && IsOpaque(value.GetValue<string>()) =>
                JsonValue.Create(value.GetValue<string>()[..^1] + "." + name + "»"),
            _ => throw new InvalidOperationException($"cannot read '{name}' of {target?.ToJsonString() ?? "null"}"),
        };

        private static JsonNode? IndexOf(JsonNode? target, JsonNode? key) => target switch
        {
            JsonArray array => array[(int)Number(key)]?.DeepClone(),
            JsonObject => MemberOf(target, Text(key)),
            JsonValue value when value.GetValueKind() == JsonValueKind.String && IsOpaque(value.GetValue<string>()) =>
                JsonValue.Create(value.GetValue<string>()[..^1] + "[" + key?.ToJsonString() + "]»"),
            _ => throw new InvalidOperationException($"cannot index {target?.ToJsonString() ?? "null"} with {key?.ToJsonString()}"),
        };

        private JsonNode? Invoke(Call call)
        {
            var name = call.Name;
            // Lazy ones first: their arguments are not all evaluated.
            switch (name.ToLowerInvariant())
            {
                case "if":
                    return Eval(call.Arguments[0])!.GetValue<bool>() ? Eval(call.Arguments[1]) : Eval(call.Arguments[2]);
                case "map":
                    return new JsonArray([.. Items(Eval(call.Arguments[0])).Select(item => Lambda(call.Arguments[1], item))]);
                case "lambdavariables":
                    var variable = Text(Eval(call.Arguments[0]));
                    return _lambdaVariables.Last(v => v.Name == variable).Value?.DeepClone();
                case "copyindex":
                    return JsonValue.Create((long)CopyIndex([.. call.Arguments.Select(Eval)]));
            }
            var args = call.Arguments.Select(Eval).ToArray();
            if (name.Contains('.', StringComparison.Ordinal))
                return UserFunction(name, args);
            return name.ToLowerInvariant() switch
            {
                "parameters" => Parameter(Text(args[0])),
                "variables" => Variable(Text(args[0])),
                "reference" => Reference(Text(args[0])),
                "listkeys" => JsonValue.Create($"«listKeys({Text(args[0])})»"),
                "resourcegroup" => new JsonObject { ["id"] = ResourceGroupId, ["name"] = ResourceGroupName, ["location"] = Location },
                "subscription" => new JsonObject { ["id"] = $"/subscriptions/{SubscriptionId}", ["subscriptionId"] = SubscriptionId },
                "resourceid" => JsonValue.Create(ResourceIdOf(args)),
                "subscriptionresourceid" => JsonValue.Create($"/subscriptions/{SubscriptionId}/providers/{Text(args[0])}/{string.Join('/', args.Skip(1).Select(Text))}"),
                "guid" => JsonValue.Create(new Guid(Hash(args, 16)).ToString()),
                "uniquestring" => JsonValue.Create(Base32(Hash(args, 10))[..13]),
                "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, Text(args[0]), [.. args.Skip(1).Select(Plain)])),
                "concat" => args.All(a => a is JsonArray) ? new JsonArray([.. args.SelectMany(Items)]) : JsonValue.Create(string.Concat(args.Select(Text))),
                "createarray" => new JsonArray([.. args.Select(a => a?.DeepClone())]),
                "createobject" => CreateObject(args),
                "flatten" => new JsonArray([.. args[0]!.AsArray().SelectMany(Items)]),
                "range" => new JsonArray([.. Enumerable.Range((int)Number(args[0]), (int)Number(args[1])).Select(i => (JsonNode?)JsonValue.Create((long)i))]),
                "length" => JsonValue.Create((long)(args[0] switch { JsonArray a => a.Count, JsonObject o => o.Count, var v => Text(v).Length })),
                "tolower" => JsonValue.Create(Text(args[0]).ToLowerInvariant()),
                "toupper" => JsonValue.Create(Text(args[0]).ToUpperInvariant()),
                "string" => JsonValue.Create(StringOf(args[0])),
                "padleft" => JsonValue.Create(StringOf(args[0]).PadLeft((int)Number(args[1]), Text(args[2])[0])),
                "json" => JsonNode.Parse(Text(args[0])),
                "equals" => JsonValue.Create(JsonNode.DeepEquals(args[0], args[1])),
                "not" => JsonValue.Create(!args[0]!.GetValue<bool>()),
                "and" => JsonValue.Create(args.All(a => a!.GetValue<bool>())),
                "or" => JsonValue.Create(args.Any(a => a!.GetValue<bool>())),
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "null" => null,
                "empty" => JsonValue.Create(args[0] switch { null => true, JsonArray a => a.Count == 0, JsonObject o => o.Count == 0, var v => Text(v).Length == 0 }),
                "contains" => JsonValue.Create(Contains(args[0], args[1])),
                "startswith" => JsonValue.Create(Text(args[0]).StartsWith(Text(args[1]), StringComparison.OrdinalIgnoreCase)),
                "coalesce" => args.FirstOrDefault(a => a is not null)?.DeepClone(),
                "tryget" => TryGet(args[0], args[1..]),
                _ => throw new NotSupportedException($"ARM function '{name}' is not supported by this evaluator (tests/Workflows.Tests/Infra/ArmDeployment.cs)"),
            };
        }

        private JsonNode? Lambda(Node lambda, JsonNode? item)
        {
            if (lambda is not Call { Name: var name, Arguments: [var parameter, var body] } || !name.Equals("lambda", StringComparison.OrdinalIgnoreCase))
                throw new NotSupportedException("only one-parameter lambdas are supported");
            _lambdaVariables.Add((Text(Eval(parameter)), item));
            try
            {
                return Eval(body);
            }
            finally
            {
                _lambdaVariables.RemoveAt(_lambdaVariables.Count - 1);
            }
        }

        private int CopyIndex(JsonNode?[] args)
        {
            var loopName = args.FirstOrDefault(a => a?.GetValueKind() == JsonValueKind.String) is { } n ? Text(n) : null;
            var offset = args.FirstOrDefault(a => a?.GetValueKind() == JsonValueKind.Number) is { } o ? (int)Number(o) : 0;
            var loop = loopName is null ? _loops.LastOrDefault() : _loops.LastOrDefault(l => l.Name == loopName);
            if (loop.Name is null)
                throw new InvalidOperationException($"copyIndex({loopName}) outside its loop");
            return loop.Index + offset;
        }

        /// <summary>A module's outputs (<c>reference('module').outputs.x.value</c>), or a resource's runtime state as an opaque value.</summary>
        private JsonNode? Reference(string target)
        {
            if (Resources.TryGetValue(target, out var resource))
            {
                if (IsModule(resource))
                {
                    var outputs = new JsonObject();
                    foreach (var (output, value) in Module(target).Outputs())
                        outputs[output] = new JsonObject { ["value"] = value?.DeepClone() };
                    return new JsonObject { ["outputs"] = outputs };
                }
                if (resource.ContainsKey("copy"))
                    throw new NotSupportedException($"reference('{target}') of a resource loop");
                var type = Text(resource["type"]);
                var name = Text(Evaluate(resource["name"]));
                var scope = resource["scope"] is { } s ? Text(Evaluate(s)) : null;
                return JsonValue.Create($"«reference({IdOf(type, name, scope)})»");
            }
            return JsonValue.Create($"«reference({target})»");
        }

        private JsonNode? UserFunction(string qualifiedName, JsonNode?[] args)
        {
            var (space, member) = (qualifiedName[..qualifiedName.IndexOf('.', StringComparison.Ordinal)], qualifiedName[(qualifiedName.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            var definition = (template["functions"] as JsonArray ?? [])
                .Where(f => string.Equals(Text(f!["namespace"]), space, StringComparison.OrdinalIgnoreCase))
                .Select(f => f!["members"]?[member])
                .FirstOrDefault(m => m is not null)
                ?? throw new InvalidOperationException($"no function {qualifiedName}");
            var parameters = definition["parameters"]!.AsArray().Select(p => Text(p!["name"])).ToList();
            var values = parameters.Zip(args).ToDictionary(p => p.First, p => p.Second, StringComparer.OrdinalIgnoreCase);
            // A function sees its own parameters and the template's functions, nothing else.
            var scope = new TemplateScope(new JsonObject { ["functions"] = template["functions"]!.DeepClone(), ["resources"] = new JsonObject() }, values);
            return scope.Evaluate(definition["output"]!["value"]);
        }

        private static string ResourceIdOf(JsonNode?[] args)
        {
            var texts = args.Select(Text).ToList();
            var typeAt = texts.FindIndex(t => t.Contains('/', StringComparison.Ordinal));
            if (typeAt != 0)
                throw new NotSupportedException("resourceId() with a subscription or resource group");
            return ResourceId(texts[0], [.. texts.Skip(1)]);
        }

        private static string IdOf(string type, string name, string? scope)
        {
            if (scope is not null)
                return $"{scope}/providers/{type}/{name}";
            return ResourceId(type, name.Split('/'));
        }

        private static JsonObject CreateObject(JsonNode?[] args)
        {
            var obj = new JsonObject();
            for (var i = 0; i < args.Length; i += 2)
                obj[Text(args[i])] = args[i + 1]?.DeepClone();
            return obj;
        }

        private static bool Contains(JsonNode? container, JsonNode? item) => container switch
        {
            JsonArray array => array.Any(a => JsonNode.DeepEquals(a, item)),
            JsonObject obj => obj.ContainsKey(Text(item)),
            _ => Text(container).Contains(Text(item), StringComparison.Ordinal),
        };

        private static JsonNode? TryGet(JsonNode? target, JsonNode?[] path)
        {
            foreach (var key in path)
            {
                target = target switch
                {
                    JsonObject obj => obj.FirstOrDefault(p => string.Equals(p.Key, Text(key), StringComparison.OrdinalIgnoreCase)).Value,
                    JsonArray array when key?.GetValueKind() == JsonValueKind.Number && Number(key) < array.Count => array[(int)Number(key)],
                    _ => null,
                };
                if (target is null)
                    return null;
            }
            return target?.DeepClone();
        }

        private static IEnumerable<JsonNode?> Items(JsonNode? array) => array!.AsArray().Select(a => a?.DeepClone());

        private static object? Plain(JsonNode? node) => node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "True" : "False",
            JsonValue v => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };

        private static string StringOf(JsonNode? node) => Plain(node) switch
        {
            long number => number.ToString(CultureInfo.InvariantCulture),
            var other => (string?)other ?? "",
        };

        private static byte[] Hash(JsonNode?[] args, int bytes) =>
            SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', args.Select(StringOf))))[..bytes];

        private static string Base32(byte[] data)
        {
            const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
            var text = new StringBuilder();
            var (buffer, bits) = (0, 0);
            foreach (var b in data)
            {
                (buffer, bits) = ((buffer << 8) | b, bits + 8);
                while (bits >= 5)
                {
                    text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                    bits -= 5;
                }
            }
            return text.ToString();
        }
    }

    /// <summary>A whole number, whether parsed from the template or made here.</summary>
    public static long Number(JsonNode? node) =>
        node is JsonValue value && (value.TryGetValue<long>(out var number) || (value.TryGetValue<int>(out var small) && (number = small) == small))
            ? number
            : throw new InvalidOperationException($"expected a whole number, got {node?.ToJsonString() ?? "null"}");

    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new InvalidOperationException($"expected a string, got {node?.ToJsonString() ?? "null"}");

    private abstract record Node;

    private sealed record Literal(JsonNode? Value) : Node;

    private sealed record Call(string Name, IReadOnlyList<Node> Arguments) : Node;

    private sealed record Member(Node Target, string Name) : Node;

    private sealed record Index(Node Target, Node Key) : Node;

    /// <summary>ARM's expression syntax: <c>name(args)</c>, <c>'string'</c> (<c>''</c> escapes a quote), numbers, <c>.member</c> and <c>[index]</c>.</summary>
    private sealed class Parser(string text)
    {
        private int _at;

        public Node Parse()
        {
            var node = Expression();
            SkipSpace();
            if (_at != text.Length)
                throw Error("unexpected text");
            return node;
        }

        private Node Expression()
        {
            SkipSpace();
            Node node;
            var c = Peek();
            if (c == '\'')
                node = new Literal(JsonValue.Create(QuotedString()));
            else if (char.IsAsciiDigit(c) || c == '-')
                node = new Literal(JsonValue.Create(Number()));
            else if (char.IsAsciiLetter(c) || c == '_')
                node = FunctionCall();
            else
                throw Error("expected an expression");
            while (true)
            {
                SkipSpace();
                if (Peek() == '.')
                {
                    _at++;
                    node = new Member(node, Identifier());
                }
                else if (Peek() == '[')
                {
                    _at++;
                    var key = Expression();
                    Expect(']');
                    node = new Index(node, key);
                }
                else
                {
                    return node;
                }
            }
        }

        private Call FunctionCall()
        {
            var name = Identifier();
            if (Peek() == '.')
            {
                _at++;
                name += "." + Identifier();
            }
            Expect('(');
            var args = new List<Node>();
            SkipSpace();
            if (Peek() != ')')
            {
                do
                    args.Add(Expression());
                while (TryTake(','));
            }
            Expect(')');
            return new Call(name, args);
        }

        private string Identifier()
        {
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] == '_'))
                _at++;
            return _at > start ? text[start.._at] : throw Error("expected a name");
        }

        private string QuotedString()
        {
            var value = new StringBuilder();
            _at++;
            while (true)
            {
                if (_at >= text.Length)
                    throw Error("unterminated string");
                if (text[_at] == '\'')
                {
                    if (_at + 1 < text.Length && text[_at + 1] == '\'')
                    {
                        value.Append('\'');
                        _at += 2;
                        continue;
                    }
                    _at++;
                    return value.ToString();
                }
                value.Append(text[_at++]);
            }
        }

        private long Number()
        {
            var start = _at;
            if (Peek() == '-')
                _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                _at++;
            return long.Parse(text[start.._at], CultureInfo.InvariantCulture);
        }

        private void SkipSpace()
        {
            while (_at < text.Length && text[_at] == ' ')
                _at++;
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private bool TryTake(char c)
        {
            SkipSpace();
            if (Peek() != c)
                return false;
            _at++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
                throw Error($"expected '{c}'");
        }

        private FormatException Error(string message) => new($"{message} at {_at} in [{text}]");
    }
}
