"""The red-flag rules of :mod:`agents.triage` as data: one regex alternative per line.

Bump ``agents.triage.TRIAGE_VERSION`` when a rule changes (it is stored with every answer).
"""

# Rules are data: each line of a table is one regex alternative, English or Chinese (a line with
# a CJK character). "…" is a short gap inside the clause that crosses no negation or contrast
# word ("‥": no pain word either); %NAME% is a shared fragment. Codes starting with "_" are
# internal evidence, combined later (minor trauma with fragile bones).
FRAGMENTS = {
    "%NUMB%": r"(?:numb\w*|tingl\w*|pins and needles|(?:loss of|lost|no|no longer (?:have )?any|"
    r"reduced|altered|less) (?:all )?(?:feeling|sensation)|%CANT% feel|dead|an(?:a)?esthe\w*|"
    r"par(?:a)?esthe\w*)",
    "%SADDLE%": r"(?:saddle|groin|perine\w*|perianal|crotch|genital\w*|private (?:parts|area)|"
    r"between (?:my |the )?(?:legs|buttocks|bum cheeks)|inner (?:buttocks|thighs?)|around (?:my |"
    r"the )?(?:anus|back passage|bottom|bum)|penis|vagina|vulva|labia|scrotum|anus|back passage|"
    r"wip(?:e|es|ing))(?! (?:pain|ache|strain))",
    "%CANT%": r"(?:can't|cannot|can not|couldn't|could not|unable to|not able to|"
    r"no longer able to)",
    "%BB%": r"(?:bladder|bowel)s?(?: (?:and|or|/|&) (?:bladder|bowel)s?)?",
    "%VOID%": r"(?:pee|wee|urinate|pass urine|go|empty|poo)",
    "%SYMPT%": r"(?:pain\w*|sciatica|numb\w*|tingl\w*|pins and needles|shooting|burning|hurt\w*|"
    r"radiat\w*)",
    "%LEGS%": r"(?:legs|sides|feet|buttocks|thighs|calves)",
    "%DEFICIT%": r"(?:weak\w*|numb\w*|paraly\w*|foot drop|drop foot|loss of (?:strength|power|"
    r"feeling|sensation))",
    "%FAST%": r"(?:rapidly|quickly|fast|by the day|day by day|over (?:the )?(?:last |past )?(?:few "
    r"|couple of )?(?:days|hours))",
    "%LIMB%": r"(?:legs?|arms?|hands?|feet|foot|ankles?|knees?|thighs?|toes?|grip|calf|calves|"
    r"limbs?|quads?|hips?|shoulders?|wrists?|fingers?)",
    "%LOSTN%": r"lost (?:about |around |over |nearly |almost |more than )?\d+(?:\.\d+)? ?(?:kg|"
    r"kilos?|kilograms?|lbs?|pounds|stones?|st)",
    "%LIFT%": r"(?:lift|rais|pull\w* up|bend\w* up)\w* (?:my |the )?(?:left |right )?(?:foot|feet|"
    r"toes?|big toe|ankle|leg|arm|knee)",
    "%HIGH%": r"(?:height|ladder|roof|scaffold\w*|balcony|tree|horse|window|wall)",
    "%NECK%": r"(?:bend|look|tilt|flex|put)\w* (?:my )?(?:head|neck|chin) (?:down|forward)",
    "%ZSADDLE%": r"(?:鞍区|鞍部|会阴(?:部|区)?|肛周|肛门(?:周围|附近)?|外阴|生殖器|私处|阴部|"
    r"屁股(?:中间|之间)|大腿内侧)",
    "%ZNUMB%": r"(?:麻木|发麻|麻(?!烦)|感觉(?:减退|消失|迟钝|异常|下降)|没(?:有)?感觉|无感觉|"
    r"感觉不到)",
    "%ZBOTH%": r"(?:双下肢|双侧下肢|两下肢|双腿|两条腿|两腿|两侧腿|两边腿|左右腿|双脚|两只脚|"
    r"两侧臀部|双侧臀部)",
    "%ZLIMB%": r"(?:[左右双]?(?:下肢|上肢|腿|脚|足|手|胳膊|手臂)|四肢|肢体)",
}
RULES: tuple[tuple[str, str, str], ...] = (
    ("saddle_anaesthesia", r"""
saddle (?:an(?:a)?esthe\w*|numbness|area numb\w*|sensory loss|par(?:a)?esthe\w*)
(?:perianal|perineal|groin|genital|saddle)(?: area| region)? (?:numbness|tingling|an(?:a)?esthesia|
    par(?:a)?esthesia|sensory loss|loss of sensation)
%NUMB%…%SADDLE%
(?:saddle|groin|perine\w*|crotch|genitals?|private (?:parts|area)|bottom|bum|backside|inner thighs?|
    between (?:my |the )?(?:legs|buttocks))(?: area| region)? (?:(?:is|are|feels?|has|have|had|went|
    gone|been|got|gotten|become|becoming|getting|feeling|that's|which is) )*%NUMB%
(?:can't|cannot|can not|couldn't|don't|barely) (?:i )?feel (?:the )?toilet (?:paper|seat)
(?:can't|cannot|don't|doesn't) (?:i )?feel (?:anything |it |much )?(?:when|while|as) (?:i )?wip\w*
wip(?:e|es|ing)…(?:feels? (?:different|strange|odd|weird|numb)|numb\w*|no feeling)
%ZSADDLE%…%ZNUMB%
擦屁股(?:时|的时候)?…(?:没(?:有)?感觉|感觉不到|麻|感觉(?:不对|异常|不一样|怪))
""", ""),
    ("sphincter_dysfunction", r"""
incontinen\w*
(?:wet|wetting|peed|peeing|pissed|soiled|soiling|pooed|messed) (?:myself|my (?:pants|trousers|bed))
(?:leak\w*|dribbl\w*) (?:of )?(?:urine|stool|faeces|feces|poo)
(?:lost|loss of|losing|lose|no|poor) (?:(?:my|the) )?%BB% control
(?:lost|loss of|losing|no) control (?:of|over) (?:my )?(?:bladder|bowels?|urine|stools?)
%CANT% (?:control|hold) (?:my )?(?:bladder|bowels?|urine|pee|wee|stools?|poo)
%BB% (?:problems?|issues?|dysfunction|trouble|symptoms|changes?|disturbance|accidents?)
(?:problems?|trouble|issues?|changes?|accidents?) (?:with|in|of) (?:my )?(?:bladder|bowels?)
大小便失禁|二便失禁|小便失禁|大便失禁|尿失禁|失禁|尿裤子|拉裤子|漏尿|憋不住(?:尿|小便|大便)
(?:大小便|二便|小便|大便|排尿|排便)(?:功能)?(?:障碍|异常|控制不住|无法控制|不能控制|失控)
(?:控制不住|无法控制|不能控制|管不住)(?:大小便|二便|小便|大便)
""", r"""
(?:when|if|while|as) (?:i )?(?:cough|sneez|laugh|jump|run)\w*|stress incontinence
since (?:childbirth|giving birth|having (?:my )?(?:kids|children|baby))
咳嗽|喷嚏|大笑|压力性|产后
"""),
    ("sphincter_dysfunction", r"""
(?:urinary|urine|acute) retention|retention of urine|retaining urine
(?:haven't|have not|hasn't|has not) (?:passed|been able to pass) (?:any )?(?:urine|water)
(?:%CANT%|haven't been able to) (?:pass urine|pass water|pee|wee|urinate|empty (?:my |the )?bladder)
%CANT% open (?:my )?bowels|no (?:urge|sensation|feeling|desire) to %VOID%
(?:don't|doesn't|didn't|not|no longer|never|can't|cannot|without|haven't|hasn't|have not) (?:feel|
    felt|get|got|hav|had|sens|notic)\w* (?:the |any |an )?(?:need|urge|sensation|feeling|
    desire) to %VOID%
(?:needed|need|needing|required|had|fitted with) (?:a |an )?(?:urinary )?catheter|catheteri[sz]ed
(?:can't|cannot|can not|couldn't|don't|didn't) feel (?:myself |it |when i )?(?:pee|urinat|wee)\w*
尿潴留|解不出(?:小便|大便|尿)|尿不出(?:来)?|排不出(?:尿|小便)|小便解不出(?:来)?
(?:没有|没|无)尿意|感觉不到尿意|尿意(?:消失|减退)|(?:插|留置|下)(?:了)?(?:导)?尿管|导尿
""", ""),
    ("sphincter_dysfunction", r"""
(?:difficulty|trouble|struggl\w*|straining|hard|problems?) (?:with |to |when )?(?:passing urine|
    urinating|peeing|pee|urinate)
排尿困难|小便困难|排尿费力|解小便(?:困难|费力)
""", r"""
prostat\w*|for (?:many |several )?years|for a long time|always had|前列腺|多年|长期|一直
"""),  # difficulty passing urine counts only when it is new
    ("bilateral_sciatica", r"""
%SYMPT%…(?:(?:down|into|in|through|along|to|on|affecting) (?:the (?:back|front|side|outside)s? of )?
    (?:both|each|all) (?:of )?(?:my |the )?%LEGS%|(?:down|into|through|in) (?:my|the) legs)
(?:both|two|left and right|right and left) (?:of my )?%LEGS%…%SYMPT%
bilateral (?:\w+ ){0,2}(?:sciatica|radicul\w*|leg (?:pain|symptoms|numbness)|radiating pain|
    nerve pain)
(?:alternating|switching|alternate)(?: sided| side)? (?:sciatica|leg pain)
(?:sciatica|leg pain)…(?:alternat|switch|swap)\w* (?:between|from (?:one|side)|sides)
%ZBOTH%(?:都|均|同时|也)?…(?:放射痛|放射|麻木|发麻|麻(?!烦)|疼痛|痛|疼|串痛|窜痛)
(?:双侧|两侧)(?:坐骨神经|根性|神经根性?)(?:痛|疼痛|症状)|交替性坐骨神经痛
坐骨神经痛…(?:左右|两边|两侧)?(?:交替|轮流)
(?:左右|两边|两侧)(?:交替|轮流)(?:出现)?(?:腿痛|疼|痛|麻)
""", ""),
    ("progressive_deficit", r"""
%DEFICIT%‥(?:progressiv\w*|progressing|(?:getting|got|gotten|growing) (?:worse|weaker|more numb)|
    worsening|spreading|spread(?:ing)? (?:up|to|into)|deteriorat\w*|more and more|
    worse and worse|(?:worse|weaker) (?:by the|every|each) (?:day|hour)|moving up|creeping up)
(?:progressiv\w*|increasing\w*|worsening|spreading|rapidly \w+ing|deteriorating)…%DEFICIT%
(?:sudden(?:ly)?|all of a sudden|overnight|out of nowhere)…(?:weak\w*|paraly\w*|foot drop|gave way|
    %CANT% (?:stand|walk|get up|bear weight|move))
%CANT% (?:stand|walk|get up|bear weight|move my legs?)…(?:sudden(?:ly)?|overnight|all of a sudden|
    since (?:this morning|yesterday|last night|today))
(?:getting|growing|becoming|got|gone) (?:much |a lot |more and more )?weaker|weaker and weaker
(?<!sleep )paraly[sz]\w*|(?:can't|cannot|can not|unable to) move (?:my |either |both )?legs?
(?:clums\w*|unsteady|unsteadi\w*|balance|walking|gait|dropping things|hands?|
    handwriting)…(?:(?:getting |got |gotten )?(?:worse|deteriorat\w*|declin\w*|weaker) %FAST%|
    rapid(?:ly)? (?:worse\w*|deteriorat\w*|progress\w*))
进行性[^,.;!?\n]{0,6}?(?:无力|麻木|加重|瘫|肌力下降)
越来越(?:无力|没力|没劲|麻|软|站不|走不|笨|不稳)|(?<!面)(?:瘫痪|截瘫)
(?:无力|麻木|发麻|瘫|肌力)…(?:迅速|快速|急剧|进行性|越来越|逐渐|明显|很快)(?:加重|恶化|严重|下降)
(?:走路|行走|站立|手笨|不稳)…(?:迅速|快速|急剧|很快)(?:加重|恶化|严重|下降)
(?:迅速|快速|急剧)(?:加重|恶化)
突然(?:出现)?…(?:瘫痪|瘫|站不起|不能(?:走|站|行走)|走不了|无法(?:行走|站立|走路)|动不了|无力)
麻木(?:范围|区域)?(?:在)?(?:扩大|蔓延|往上(?:走|蔓延|发展)|向上(?:蔓延|发展))
""", ""),
    ("motor_deficit", r"""
(?:weak\w*|no strength|lost (?:my )?strength|loss of (?:strength|power)|no power)…%LIMB%
%LIMB%…(?:weak\w*|(?:gives?|gave|giving|keeps? giving) (?:way|out)|buckl\w*|collaps\w*|
    won't hold me|(?:has |have )?no (?:strength|power)|lost (?:its |their )?strength)
foot[- ]drop|drop[- ]foot|dropped foot|drag(?:s|ged|ging)? (?:my )?(?:foot|leg|toes)
(?:biceps|triceps|deltoids?|wrist extensors?|finger (?:flexors?|extensors?)|intrinsics|hip flexors?|
    hip abductors?|quadriceps|quads|hamstrings|tibialis anterior|ehl|extensor hallucis longus|
    dorsiflex\w*|plantarflex\w*|ankle eversion)(?: \w+)? (?:weak\w*|power [0-4][+-]?/5|[0-4][+-]?/5)
(?:power|strength|mrc(?: grade)?) [0-4][+-]?/5|[0-4][+-]?/5 (?:power|strength|weakness)
(?:hard to|difficult to|difficulty|struggl\w* to|trouble) %LIFT%
%CANT% (?:%LIFT%|(?:walk|stand) on (?:my )?(?:heels?|toes|tip ?toes?|tiptoe)|(?:walk|
    stand(?: up)?|bear weight|grip)(?! (?:far|for|very|long|much|more|any|without|because|due|as)))
(?:weak|poor|reduced) grip
%ZLIMB%(?:(?![没无不未否])[^,.;!?\n]){0,4}?(?:无力|没有?力气?|没劲|使不上劲|发软|软(?!组织))
(?<!全身)(?<!浑身)(?<!乏)(?<!气)无力|足下垂|垂足|抬不起(?:脚|腿|来)|抬脚困难|提不起(?:脚|腿)
(?:脚|足|脚尖|脚趾)(?:抬不起来?|抬不动|背伸无力|背屈无力)|打软腿|腿打软|使不上劲|没(?:有)?力气
握力(?:下降|减弱|差)|肌力(?:下降|减弱|减退)|拖(?:着)?(?:脚|腿)
站不起来|站不稳|走不了路|走不动|不能走路|不能行走|无法行走|无法站立|无法走路|没法走路|没法站
""", ""),
    ("fever", r"""
fever\w*|pyrexi\w*|febrile|(?:high |raised |a |running a )temp(?:erature)?s?
temperature (?:of |is |was |at |up |has been )?(?:3[89]|4[01]|10[0-5])(?:\.\d)?
(?:3[89]|4[01])(?:\.\d)? ?(?:°|degrees?|deg)? ?c(?:elsius)?|10[0-4](?:\.\d)? ?(?:°|degrees?)? ?f
(?:shaking )?chills|rigou?rs|night sweats?|sweating at night|drenching sweats|drenched in sweat
sweats at night|hot and cold
发热(?!感)|发烧|高烧|低烧|高热|低热|寒战|寒颤|打冷战|畏寒|盗汗|夜间出汗
体温\s*(?:3[89]|4[01])(?:\.\d)?\s*(?:度|℃|°)?|体温(?:升高|偏高|高)|(?:3[89]|4[01])(?:\.\d)?\s*(?:℃|°)
烧(?:到|了)?\s*(?:3[89]|4[01])(?:\.\d)?\s*度
""", ""),
    ("iv_drug_use", r"""
inject\w* (?:drugs?|heroin|meth\w*|cocaine|speed|crack|opioids?|opiates?)
(?:iv|intravenous) (?:drug use\w*|drugs?|heroin|substances?)|ivdu|pwid|people who inject
shooting up (?:drugs|heroin)|shar\w* needles|needle[- ]sharing|heroin (?:injection|injector)
静脉吸毒|(?:静脉)?注射(?:毒品|海洛因|冰毒)|打毒针|共用针头
""", ""),
    ("immunosuppression", r"""
immuno(?:suppress\w*|compromised|deficien\w*)|immune system is (?:weak|suppressed)
(?:long[- ]term|chronic|daily|regular|high[- ]dose|years of) (?:oral )?(?:steroids?|prednisolone|
    prednisone|corticosteroids?)
(?:on|taking) (?:steroids|prednisolone|prednisone) for (?:years|many months|\d+ (?:years|months))
(?:on|taking|take) (?:methotrexate|tacrolimus|ciclosporin|cyclosporine|azathioprine|mycophenolate|
    biologics?)
(?:kidney|renal|liver|heart|lung|organ|bone marrow|stem cell) transplant\w*|(?<!hair )transplant
(?:on|having|receiving|undergoing|getting|currently|started|starting|doing|still) (?:\w+ )?chemo\w*
chemo(?:therapy)? (?:now|currently|at the moment|right now)|in the middle of chemo\w*|
    hiv(?: positive|\+)?
免疫抑制(?:剂|治疗|药)?|免疫力(?:低下|差|弱)|免疫缺陷|艾滋病?|hiv(?:阳性|感染)?
长期(?:服用|使用|口服|吃|用)?(?:激素|强的松|泼尼松|糖皮质激素|甲泼尼龙)
器官移植|(?:肾|肝|心|肺|骨髓|干细胞)移植|(?:正在|在做|在接受|接受|目前)化疗|化疗(?:中|期间)
""", ""),
    ("immunosuppression", "aids", r"""
(?:walking|hearing|mobility|visual|first) aids?|aids? (?:sleep|digestion|recovery|healing)
"""),
    ("cancer_history", r"""
(?:(?:breast|prostate|lung|kidney|renal|thyroid|bowel|colon|colorectal|rectal|ovarian|pancreatic|
    stomach|gastric|bladder|liver|o?esophageal|cervical|uterine|testicular|skin|bone|
    blood) )?(?:cancer|carcinoma)s?(?! screening| scare| check)
malignan\w*|metasta\w*|mets|secondaries|myeloma|lymphoma|leuk(?:a)?emia|melanoma|sarcoma
(?<!benign )(?<!fatty )tumou?rs?|oncolog\w*|mastectomy|prostatectomy
(?:乳腺|乳|肺|前列腺|肾|甲状腺|结肠|直肠|结直肠|胃|肝|宫颈|卵巢|鼻咽|食管|胰腺|膀胱|皮肤|
    骨)?癌(?:症)?(?:病史|史)?
恶性肿瘤|(?<!良性)肿瘤(?:病)?史?|骨髓瘤|淋巴瘤|白血病|黑色素瘤|肉瘤
转移(?:瘤|癌|灶)|(?:骨|脊柱|椎体|肺|肝|脑)转移|(?:癌|肿瘤)(?:已|已经|发生)?转移|放疗|做过化疗
""", r"benign|non-?cancerous|not cancer|lipoma|cyst|良性"),
    ("weight_loss", r"""
(?:unexplained|unintentional|unintended|unexpected|unplanned|involuntary|
    significant)…(?:weight|wt\.?)[- ]loss
(?:sudden|rapid|dramatic)…(?:weight|wt\.?)[- ]loss
(?:weight[- ]loss|lost (?:a lot of |some |so much )?weight|losing weight|
    %LOSTN%)…(?:without (?:trying|dieting|meaning to|any reason|a reason)|not (?:trying|dieting)|
    (?:wasn't|haven't been|am not|i'm not) (?:trying|dieting)|for no (?:obvious |apparent )?reason|
    no idea why|(?:don't|do not) know why|unexplained|unintentional\w*|can't explain)
%LOSTN%…(?:in|over|within) (?:the )?(?:last |past )?(?:\d+|a few|few|a couple of|two|three|
    several) (?:weeks|months)
不明原因(?:的)?(?:体重|消瘦)(?:下降|减轻|减少|降低)?|消瘦|(?:莫名|无故)(?:其妙)?(?:地|的)?瘦
体重(?:明显|突然|莫名|无故|不明原因)?(?:下降|减轻|减少|降低|掉了|轻了)
(?:瘦了|掉了|轻了|减了)\s*\d+\s*(?:斤|公斤|kg|千克)
""", r"""
on purpose|trying to lose|(?<!un)intentionally|(?<!not )(?<!without )diet(?:ing)?|slimming
减肥|节食|健身|故意
"""),
    ("night_pain", r"""
(?:pain|ache|aching|hurts?|hurting|throbbing)…(?:(?:wakes?|waking|woke|wakening) me|(?:keeps?|
    kept) me (?:up|awake)|at night|during the night|in the night|at nighttime|overnight|all night|
    night time|(?:even |also )?(?:at rest|when (?:i'm |i am )?(?:resting|lying (?:still|down|flat)|
    still)|while (?:resting|lying (?:still|down))))
(?:woken|awoken|wakened) (?:up )?by (?:the )?(?:pain|ache)
%CANT% sleep (?:at night )?(?:because of|due to|for|with) (?:the )?(?:pain|ache)
night[- ]?(?:time )?pain|nocturnal (?:back )?pain|pain at rest|rest pain|resting pain
(?:unrelenting|relentless|unremitting|non[- ]?mechanical)(?: \w+){0,2} pain
pain (?:that )?(?:never lets up|doesn't let up|never eases)
no position (?:helps|is comfortable|eases)
夜间(?:疼痛|痛|疼|加重|痛醒|疼醒)|(?:疼|痛)醒|静息痛|休息(?:时|后)?(?:也|仍|还)?(?:疼|痛)
躺着(?:也|还)?(?:疼|痛)
(?:夜(?:里|间|晚)|晚上|睡觉时)…(?:疼醒|痛醒|(?:疼|痛)得?(?:睡不着|醒)|更痛|更疼|痛|疼)
""", r"""
(?<!not )(?:better|easier|fine|eases|improves|settles)(?: \w+){0,2} (?:at night|at rest|in bed|
    when (?:i )?(?:rest|lie))
(?:at night|at rest|in bed)(?: \w+){0,3} (?:better|fine|easier|improves|eases|settles)
(?:夜间|晚上|休息|躺下)(?:后|时)?(?:(?![不没无未])[^,.;!?\n]){0,3}(?:好转|缓解|减轻|好些|不痛|不疼)
"""),
    ("major_trauma", r"""
fall(?:en)? from (?:a |the )?(?:%HIGH%|\d+ ?(?:m|metres?|meters?|feet|ft|storeys?|floors?))
fell (?:off|from|down|out of) (?:a |the |my )?(?:%HIGH%|stairs|flight of stairs|cliff|\d+)
fell down (?:\w+ )?stairs|fell (?:\d+|a few|several|two|three) (?:m|metres?|meters?|feet|ft|
    storeys?|floors?)
(?:car|road traffic|traffic|motor ?(?:bike|cycle)|motorbike|vehicle|bus|truck|lorry|head[- ]on|
    high[- ]speed) (?:crash|accident|collision|smash)
crashed (?:my |a |the )?(?:car|motorbike|bike|motorcycle)|thrown from|ejected from|rear[- ]ended|
    rta|mvc|mva
(?:hit|struck|knocked (?:down|over)) by (?:a )?(?:car|vehicle|truck|lorry|bus|van|motorbike)
diving (?:accident|injury)|dived into (?:a |the )?(?:shallow|pool|water)|high[- ]energy|crush(?:ed|
    ing)? injury
高处(?:坠落|摔|跌|掉)|从(?!床|椅|凳|沙发|马桶|来)[^,.;!?\n]{1,8}?(?:摔|跌|掉|坠|滚)(?:了)?下
坠落|坠楼|跳楼|车祸|交通事故|撞车|被(?:汽)?车撞|(?:摩托车|电动车)(?:事故|车祸|翻车)
跳水(?:受伤|外伤|事故|时)|高能量?(?:外伤|损伤)|(?:重物)?砸伤
""", r"""
(?:\d+|a few|several|many|two|three|ten) years? ago|years back|as a (?:child|kid|teenager)
(?:[一二两三四五六七八九十几多]+|\d+)年(?:前|以前)|多年前|小时候
"""),
    ("_minor_trauma", r"""
(?:fell|fall(?:en|ing|s)?|slipped|tripped|stumbled|lifting|lifted|picking up|
    picked up)(?! asleep| apart| behind)
(?:bent|bending) (?:down|over)|twisted|coughed|sneezed|landed on (?:my )?(?:bottom|bum|back|
    backside)
摔倒|跌倒|摔了(?:一)?跤|滑倒|绊倒|摔伤|跌伤|摔了|跌了|搬(?:重物|东西|箱子)|提(?:重物|东西)|弯腰
扭(?:伤|了一下)|咳嗽后|打喷嚏后|屁股着地|坐(?:倒|空)
""", ""),
    ("_fragility", r"""
osteopor\w*|osteopeni\w*|brittle bones
(?:long[- ]term|chronic|daily|regular|years of) (?:oral )?(?:steroids?|prednisolone|prednisone|
    corticosteroids?)
(?:on|taking) (?:steroids|prednisolone|prednisone) for (?:years|many months|\d+ (?:years|months))
骨质疏松症?|骨量减少|长期(?:服用|使用|口服|吃|用)?(?:激素|强的松|泼尼松|糖皮质激素)
""", ""),
    ("myelopathy", r"""
clums\w*…(?:hands?|fingers)|(?:hands?|fingers)…clums\w*
(?:hands?|fingers) (?:feel |are |have become |getting |becoming )?(?:useless|awkward|uncoordinated)
drop(?:ping|s|ped)? (?:things|objects|stuff|everything|cups?|what i'm holding|my (?:cup|phone|keys|
    pen|fork))
(?:difficulty|trouble|problems?|struggl\w*|hard|harder|can't|cannot|can not|unable to|
    fumbl\w*)…(?:buttons?|buttoning|do(?:ing)? up (?:my )?(?:buttons|shirt|zip)|handwriting|writing|
    chopsticks)
(?:difficulty|trouble|problems?|struggl\w*|hard|harder|can't|cannot|
    unable to)…pick(?:ing)? up (?:coins|small (?:objects|things|items)|a coin)
handwriting…(?:worse|messy|messier|untidy|shaky|deteriorat\w*|changed|illegible)
(?:unsteady|wobbly|off[- ]balance|broad[- ]based|wide[- ]based|staggering|spastic|drunken?)…(?:gait|
    walk\w*|on my feet)
(?:gait|walking)…(?:unsteady|wobbly|broad|wide|staggering|spastic|clumsy|drunk\w*)
(?:losing|loss of|poor|bad) (?:my )?balance|balance (?:is |has been |has got |
    getting )?(?:poor|bad|off|worse)
walk(?:ing)? like (?:i'm |i am |a )?drunk|lhermitte\w*|myelopath\w*
(?:spinal )?cord compression|compress\w* (?:my |the )?(?:spinal )?cord
electric(?:al)? (?:shocks?|shock-like|sensations?|jolts?|currents?)…(?:down (?:my |the )?(?:spine|
    back|arms and legs|body)|%NECK%)
%NECK%…(?:electric\w*|shocks?|buzz\w*|zing\w*|jolts?)
手(?:变)?笨|双手笨拙|手(?:指)?(?:不灵活|不灵|笨拙)|持物不稳|拿(?:东西|筷子|碗|杯子)?(?:不稳|拿不住|
    拿不稳)
(?:东西|筷子|杯子)(?:经常|总是|老是)?(?:拿不住|掉)|(?:扣|系)(?:扣子|纽扣)(?:困难|费劲|很难)|
    扣不上扣子
写字(?:困难|变差|歪|抖|变丑)|(?:用|拿)筷子(?:困难|不灵|不稳)|(?:走路|步态|行走)不稳|走路(?:发飘|
    像喝醉)
(?:脚)?踩棉花(?:感|样|的感觉)?|平衡(?:差|不好|变差|障碍)|(?:低头|屈颈|颈部前屈)…(?:触电|过电|电击)
脊髓型颈椎病|脊髓(?:受压|压迫|病)
""", ""),
)  # fmt: skip
