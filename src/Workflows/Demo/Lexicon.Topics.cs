namespace RankDistill.Workflows.Demo;

internal static partial class Lexicon
{
    /// <summary>Twelve topics of eight concepts; a world uses the first <see cref="SyntheticWebOptions.Topics"/>.</summary>
    public static readonly LexiconTopic[] Topics =
    [
        new("travel", ["trip", "vacation", "destination", "itinerary", "holiday", "tourist"],
        [
            ["flights", "airfare", "plane tickets"], ["hotels", "lodging", "accommodation"], ["car rental", "rental cars", "car hire"],
            ["cruises", "boat tours", "sailing holidays"], ["visa", "entry permit", "travel permit"], ["luggage", "baggage", "suitcases"],
            ["travel insurance", "trip insurance", "holiday cover"], ["beach resorts", "seaside resorts", "coastal getaways"],
        ]),
        new("cooking", ["recipe", "kitchen", "ingredients", "dinner", "meal", "chef"],
        [
            ["pasta", "noodles", "spaghetti"], ["bread baking", "sourdough", "homemade bread"], ["apple pie", "apple crumble", "apple tart"],
            ["soup", "broth", "stew"], ["barbecue", "grilling", "bbq"], ["vegetarian meals", "meatless dishes", "plant based recipes"],
            ["kitchen knives", "chef knives", "cutlery"], ["coffee", "espresso", "java"],
        ]),
        new("finance", ["money", "savings", "account", "bank", "investment", "interest"],
        [
            ["mortgage", "home loan", "house financing"], ["credit cards", "charge cards", "card offers"], ["stocks", "shares", "equities"],
            ["retirement plan", "pension", "401k"], ["tax return", "tax filing", "income tax"], ["life insurance", "life cover", "life policy"],
            ["cryptocurrency", "bitcoin", "crypto coins"], ["savings account", "deposit account", "high yield savings"],
        ]),
        new("health", ["doctor", "symptoms", "treatment", "clinic", "wellness", "patient"],
        [
            ["headache", "migraine", "head pain"], ["common cold", "flu", "sniffles"], ["insomnia", "sleep problems", "trouble sleeping"],
            ["back pain", "lower back ache", "sciatica"], ["weight loss", "dieting", "losing weight"], ["allergies", "hay fever", "pollen allergy"],
            ["toothache", "dental pain", "tooth pain"], ["vitamins", "supplements", "multivitamins"],
        ]),
        new("phones", ["smartphone", "device", "mobile", "handset", "carrier", "gadget"],
        [
            ["apple iphone", "iphone", "ios phone"], ["android phone", "samsung galaxy", "pixel phone"], ["battery life", "phone charging", "power bank"],
            ["screen repair", "cracked screen", "display replacement"], ["phone case", "protective cover", "bumper case"],
            ["phone plan", "mobile plan", "data plan"], ["phone camera", "camera phone", "photo quality"], ["apps", "applications", "mobile software"],
        ]),
        new("computers", ["software", "developer", "computer", "code", "programmer", "pc"],
        [
            ["python", "python programming", "python scripts"], ["java programming", "java code", "jvm"], ["computer mouse", "wireless mouse", "trackball"],
            ["laptops", "notebooks", "portable computers"], ["database", "sql", "data storage"], ["web design", "website building", "site builder"],
            ["mechanical keyboard", "keyboard", "keypad"], ["antivirus", "malware removal", "virus protection"],
        ]),
        new("pets", ["animal", "care", "breed", "owner", "companion", "adoption"],
        [
            ["dog training", "puppy training", "obedience classes"], ["cat food", "kitten food", "feline diet"], ["python snake", "ball python", "pet snake"],
            ["pet mouse", "pet mice", "rodents"], ["aquarium", "fish tank", "tropical fish"], ["veterinarian", "animal hospital", "pet clinic"],
            ["dog grooming", "pet grooming", "fur trimming"], ["parrot", "pet bird", "budgie"],
        ]),
        new("gardening", ["garden", "plants", "soil", "seeds", "yard", "flowers"],
        [
            ["tomatoes", "tomato plants", "growing tomatoes"], ["lawn care", "grass cutting", "mowing"], ["roses", "rose bushes", "rose garden"],
            ["compost", "mulch", "organic fertilizer"], ["garden pests", "aphids", "slugs"], ["apple trees", "fruit trees", "orchard"],
            ["garden tools", "shovels", "pruning shears"], ["watering", "irrigation", "sprinklers"],
        ]),
        new("cars", ["vehicle", "driver", "engine", "road", "dealer", "motoring"],
        [
            ["used cars", "second hand cars", "pre owned vehicles"], ["oil change", "engine oil", "lube service"], ["tires", "tyres", "wheels"],
            ["car insurance", "auto insurance", "motor cover"], ["electric cars", "ev", "battery vehicles"], ["car wash", "auto detailing", "car cleaning"],
            ["brakes", "brake pads", "brake repair"], ["car loan", "auto finance", "vehicle loan"],
        ]),
        new("music", ["song", "band", "album", "musician", "sound", "melody"],
        [
            ["guitar lessons", "guitar tutorials", "learn guitar"], ["bass guitar", "bass player", "electric bass"], ["piano lessons", "keyboard lessons", "learn piano"],
            ["concert tickets", "gig tickets", "live shows"], ["headphones", "earbuds", "headsets"], ["vinyl records", "lp records", "record players"],
            ["singing lessons", "vocal training", "voice coaching"], ["drums", "drum kit", "percussion"],
        ]),
        new("fitness", ["fitness", "muscles", "cardio", "athlete", "stamina", "coach"],
        [
            ["running", "jogging", "marathon training"], ["yoga", "pilates", "stretching"], ["weight lifting", "strength training", "lifting weights"],
            ["cycling", "biking", "bike rides"], ["running shoes", "sneakers", "trainers"], ["protein powder", "protein shakes", "whey"],
            ["home gym", "home workout", "exercise equipment"], ["swimming", "lap swimming", "pool workouts"],
        ]),
        new("outdoors", ["outdoor", "lake", "river", "nature", "trail", "adventure"],
        [
            ["bass fishing", "largemouth bass", "bass lures"], ["camping gear", "tents", "sleeping bags"], ["hiking", "trekking", "hill walking"],
            ["fly fishing", "trout fishing", "fly rods"], ["kayaking", "canoeing", "paddling"], ["hiking boots", "walking boots", "trail shoes"],
            ["national parks", "nature reserves", "wilderness areas"], ["bird watching", "birding", "bird spotting"],
        ]),
    ];
}
